/**
 * Helpers shared by the scheduling tests: a task that records when its runs
 * start and end, and ways to read a repeater's end and next run.
 */
import type { RepeaterHandle, RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import { Cause, Data, DateTime, Duration, Effect, Exit, type Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { now } from "./time.js"

export class TaskError extends Data.TaggedError("TaskError")<{ readonly run: number }> {}

export interface Probe {
  /** The virtual start time of every run, in order. */
  readonly starts: Array<number>
  /** The virtual end time of every run that finished, in order. */
  readonly ends: Array<number>
  /** The highest number of runs that were in flight at the same time. */
  readonly maxConcurrent: () => number
  readonly task: Effect.Effect<void, TaskError>
}

/**
 * A task that records its start and end times and how many runs overlap.
 * Run `i` (from 0) lasts `duration(i)` milliseconds and then fails if
 * `fails(i)`.
 */
export const makeProbe = (options: {
  readonly duration?: (run: number) => number
  readonly fails?: (run: number) => boolean
} = {}): Probe => {
  const starts: Array<number> = []
  const ends: Array<number> = []
  let active = 0
  let max = 0
  const task = Effect.gen(function*() {
    const run = starts.length
    starts.push(yield* now)
    active++
    max = Math.max(max, active)
    yield* Effect.sleep(Duration.millis(options.duration?.(run) ?? 0)).pipe(
      Effect.ensuring(Effect.sync(() => {
        active--
      }))
    )
    ends.push(yield* now)
    if (options.fails?.(run) === true) return yield* new TaskError({ run })
  })
  return { starts, ends, maxConcurrent: () => max, task }
}

/** Forks a fiber that waits for the repeater to end and returns the virtual time it ended at. */
export const forkJoinTime = <E>(handle: RepeaterHandle<E>) => Effect.forkChild(Effect.andThen(handle.join, now))

/** `"pending"` while the join fiber waits, else the time `join` succeeded at (or a description of its failure). */
export const joinResult = <E>(fiber: Fiber.Fiber<number, E>) =>
  Effect.sync(() => {
    const exit = fiber.pollUnsafe()
    if (exit === undefined) return "pending"
    return Exit.match(exit, {
      onFailure: (cause) => `failed: ${Cause.pretty(cause)}`,
      onSuccess: (at): number | string => at
    })
  })

export const nextRunMillis = (status: RepeaterStatus): number | undefined =>
  Option.getOrUndefined(Option.map(status.nextRun, DateTime.toEpochMillis))

/** Moves the TestClock to an absolute virtual time, running every sleep due until then in order. */
export const advanceTo = (millis: number) =>
  Effect.flatMap(now, (current) => TestClock.adjust(Duration.millis(millis - current)))

export { now } from "./time.js"

/** The fiber's exit, if it has ended (Effect 3's `Fiber.poll`). */
export const poll = <A, E>(fiber: Fiber.Fiber<A, E>): Effect.Effect<Option.Option<Exit.Exit<A, E>>> =>
  Effect.sync(() => Option.fromNullishOr(fiber.pollUnsafe()))

/** A task that records its start times (and lasts `millis` of virtual time). */
export const startRecorder = (millis = 0) => {
  const starts: Array<number> = []
  const task = Effect.flatMap(now, (t) =>
    Effect.andThen(
      Effect.sync(() => void starts.push(t)),
      millis > 0 ? Effect.sleep(Duration.millis(millis)) : Effect.void
    ))
  return { starts, task }
}
