import { Repeater } from "@effect-repeater/core"
import type { RepeaterEvent } from "@effect-repeater/core/RepeaterEvent"
import type { RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import type { Cause } from "effect"
import { Data, DateTime, Duration, Effect, Option, Stream } from "effect"
import { TestClock } from "effect/testing"

export class Boom extends Data.TaggedError("Boom")<{ readonly message: string }> {}

export const millis = (value: Option.Option<DateTime.Utc>): number | undefined =>
  Option.getOrUndefined(Option.map(value, DateTime.toEpochMillis))

/** A status with its times in virtual milliseconds (`undefined` for none). */
export const view = (status: RepeaterStatus) => ({
  name: status.name,
  state: status.state,
  inFlight: status.inFlight,
  runs: status.runs,
  failures: status.failures,
  skippedTicks: status.skippedTicks,
  lastStart: millis(status.lastStart),
  lastEnd: millis(status.lastEnd),
  lastDuration: Option.getOrUndefined(Option.map(status.lastDuration, Duration.toMillis)),
  lastFailure: Option.getOrUndefined(status.lastFailure),
  nextRun: millis(status.nextRun)
})

export type StatusView = ReturnType<typeof view>

export const fresh = (name: string): StatusView => ({
  name,
  state: "scheduled",
  inFlight: false,
  runs: 0,
  failures: 0,
  skippedTicks: 0,
  lastStart: undefined,
  lastEnd: undefined,
  lastDuration: undefined,
  lastFailure: undefined,
  nextRun: undefined
})

/** The causes of the RunFailed events, recorded by a subscriber forked before any repeater. */
export const subscribeFailures = Effect.gen(function*() {
  const causes: Array<Cause.Cause<unknown>> = []
  yield* Effect.forkScoped(
    Stream.runForEach(
      Repeater.events,
      (event: RepeaterEvent) => Effect.sync(() => event._tag === "RunFailed" && void causes.push(event.cause))
    )
  )
  yield* TestClock.adjust("0 millis")
  return causes
})
