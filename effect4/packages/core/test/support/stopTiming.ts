import { assert } from "@effect/vitest"
import type { Fiber } from "effect"
import { Effect, Option } from "effect"
import { poll } from "./probe.js"
import { now } from "./time.js"

/** Runs `effect` and pairs its value with the virtual time at which it resolved. */
export const timed = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<readonly [A, number], E, R> =>
  Effect.flatMap(effect, (a) => Effect.map(now, (t) => [a, t] as const))

/** A task that records its start times and lasts `millis` of virtual time. */
export const recordingTask = (starts: Array<number>, millis = 0) =>
  Effect.flatMap(now, (t) =>
    Effect.andThen(
      Effect.sync(() => void starts.push(t)),
      millis > 0 ? Effect.sleep(millis) : Effect.void
    ))

export const assertPending = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.map(poll(fiber), (exit) => assert.isTrue(Option.isNone(exit), "expected the fiber to be still running"))
