import type { RepeaterEvent, RunFailed, RunStarted, RunSucceeded } from "@effect-repeater/core/RepeaterEvent"
import type { RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import * as Cause from "effect/Cause"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import { RepeaterStatusJson } from "../RepeaterHttpApi.js"

const iso = (value: Option.Option<DateTime.Utc>): string | null =>
  Option.match(value, { onNone: () => null, onSome: DateTime.formatIso })

/** @internal */
export const statusToJson = (status: RepeaterStatus): RepeaterStatusJson =>
  new RepeaterStatusJson({
    name: status.name,
    state: status.state,
    inFlight: status.inFlight,
    runs: status.runs,
    failures: status.failures,
    skippedTicks: status.skippedTicks,
    lastStart: iso(status.lastStart),
    lastEnd: iso(status.lastEnd),
    lastDurationMillis: Option.match(status.lastDuration, { onNone: () => null, onSome: Duration.toMillis }),
    lastFailure: Option.getOrNull(status.lastFailure),
    nextRun: iso(status.nextRun)
  })

/**
 * An event as a plain JSON object: times as ISO strings, durations in
 * milliseconds, causes pretty-printed.
 *
 * @internal
 */
export const eventToJson = (event: RepeaterEvent): Record<string, string | number> => {
  switch (event._tag) {
    case "RunStarted":
      return runToJson(event)
    case "RunSucceeded":
      return { ...runToJson(event), durationMillis: Duration.toMillis(event.duration) }
    case "RunFailed":
      return {
        ...runToJson(event),
        durationMillis: Duration.toMillis(event.duration),
        cause: Cause.pretty(event.cause, { renderErrorCause: true })
      }
    case "TickSkipped":
      return {
        _tag: event._tag,
        name: event.name,
        run: event.run,
        scheduledAt: DateTime.formatIso(event.scheduledAt),
        count: event.count
      }
    case "Stopped":
      return { _tag: event._tag, name: event.name, runs: event.runs, result: event.result }
    case "Completed":
      return { _tag: event._tag, name: event.name, runs: event.runs }
    case "Failed":
      return {
        _tag: event._tag,
        name: event.name,
        runs: event.runs,
        cause: Cause.pretty(event.cause, { renderErrorCause: true })
      }
  }
}

/** The fields every run event has, in the order the JSON shows them. */
const runToJson = (event: RunStarted | RunSucceeded | RunFailed): Record<string, string | number> => ({
  _tag: event._tag,
  name: event.name,
  run: event.run,
  scheduledAt: DateTime.formatIso(event.scheduledAt),
  startedAt: DateTime.formatIso(event.startedAt)
})

/**
 * One Server-Sent Events message: `event:` names the tag, `data:` holds the
 * JSON on one line.
 *
 * @internal
 */
export const eventToSse = (event: RepeaterEvent): string =>
  `event: ${event._tag}\ndata: ${JSON.stringify(eventToJson(event))}\n\n`
