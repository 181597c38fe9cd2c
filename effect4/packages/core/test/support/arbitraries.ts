/**
 * fast-check arbitraries of the values a repeater reports: times, durations,
 * causes, statuses and events.
 */
import { RepeaterEvent } from "@effect-repeater/core"
import type { RepeaterHandle } from "@effect-repeater/core"
import { Cause, Data, DateTime, Duration, Option } from "effect"
import * as fc from "fast-check"

/** Every instant a `DateTime` can hold (±8.64e15 ms from the epoch). */
export const utc = fc.integer({ min: -8.64e15, max: 8.64e15 }).map((millis) => DateTime.makeUnsafe(millis))

/**
 * Durations of whole milliseconds, of microseconds and infinite ones (as the repeater measures them: a
 * duration of nanoseconds comes back from JSON as the same length in milliseconds, equal by
 * `Duration.equals` but not by `Equal.equals`).
 */
export const duration = fc.oneof(
  fc.nat().map(Duration.millis),
  fc.integer({ min: 0, max: 1e12 }).map((micros) => Duration.millis(micros / 1000)),
  fc.constant(Duration.infinity)
)

class Boom extends Data.TaggedError("Boom")<{ readonly reason: string }> {}

/** Causes of every shape: failures, defects, interruptions, and their combinations. */
export const cause: fc.Arbitrary<Cause.Cause<unknown>> = fc.letrec<{ cause: Cause.Cause<unknown> }>((tie) => ({
  cause: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string().map((reason) => Cause.fail(new Boom({ reason }))),
    fc.string().map((message) => Cause.die(new Error(message, { cause: new Error("underneath") }))),
    fc.anything().map(Cause.die),
    fc.constant(Cause.empty),
    fc.constant(Cause.interrupt()),
    fc.tuple(tie("cause"), tie("cause")).map(([left, right]) => Cause.combine(left, right))
  )
})).cause

const count = fc.nat()
const name = fc.string({ minLength: 1, maxLength: 100 })
const runInfo = { name, run: count, scheduledAt: utc, startedAt: utc }

/** Events without a Cause: they round-trip exactly. */
export const eventWithoutCause: fc.Arbitrary<RepeaterEvent.RepeaterEvent> = fc.oneof(
  fc.record(runInfo).map(RepeaterEvent.RunStarted),
  fc.record({ ...runInfo, duration }).map(RepeaterEvent.RunSucceeded),
  fc.record({ name, run: count, scheduledAt: utc, count }).map(RepeaterEvent.TickSkipped),
  fc.record({ name, runs: count, result: fc.constantFrom<RepeaterEvent.StopResult>("idle", "finished", "interrupted") })
    .map(RepeaterEvent.Stopped),
  fc.record({ name, runs: count }).map(RepeaterEvent.Completed)
)

/** Events with a Cause. */
export const eventWithCause: fc.Arbitrary<RepeaterEvent.RepeaterEvent> = fc.oneof(
  fc.record({ ...runInfo, duration, cause }).map(RepeaterEvent.RunFailed),
  fc.record({ name, runs: count, cause }).map(RepeaterEvent.Failed)
)

export const event = fc.oneof(eventWithoutCause, eventWithCause)

const states: ReadonlyArray<RepeaterHandle.RepeaterState> = [
  "scheduled",
  "running",
  "paused",
  "stopping",
  "stopped",
  "completed",
  "failed"
]

const option = <A>(value: fc.Arbitrary<A>) => fc.oneof(fc.constant(Option.none<A>()), value.map((a) => Option.some(a)))

/** Every status a repeater can report, and more (the schema does not check how the fields fit together). */
export const status: fc.Arbitrary<RepeaterHandle.RepeaterStatus> = fc.record({
  name,
  state: fc.constantFrom(...states),
  inFlight: fc.boolean(),
  runs: count,
  failures: count,
  skippedTicks: count,
  lastStart: option(utc),
  lastEnd: option(utc),
  lastDuration: option(duration),
  lastFailure: option(fc.string()),
  nextRun: option(utc)
})
