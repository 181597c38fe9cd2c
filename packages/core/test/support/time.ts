/**
 * Time helpers shared by the tests: the current virtual time, a log of
 * labelled instants, and a clock whose wall time can be stepped.
 */
import { Clock, DateTime, Effect, Option } from "effect"

/** The current virtual time, in milliseconds. */
export const now = Effect.clockWith((clock) => Effect.sync(() => clock.unsafeCurrentTimeMillis()))

/** The ISO date-time of epoch milliseconds. */
export const iso = (millis: number): string => new Date(millis).toISOString()

/** The epoch milliseconds of an ISO date-time. */
export const at = (iso: string): number => new Date(iso).getTime()

/** The epoch milliseconds of an optional instant (`undefined` for none). */
export const millisOf = (value: Option.Option<DateTime.Utc>): number | undefined =>
  Option.getOrUndefined(Option.map(value, DateTime.toEpochMillis))

/** Runs `effect` and pairs its value with the virtual time at which it resolved. */
export const timed = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<readonly [A, number], E, R> =>
  Effect.flatMap(effect, (a) => Effect.map(now, (t) => [a, t] as const))

/** Appends `label@<virtual time>` to `log`. */
export const mark = (log: Array<string>, label: string) =>
  Effect.flatMap(now, (t) => Effect.sync(() => void log.push(`${label}@${t}`)))

/**
 * A clock whose wall time (`currentTimeMillis`) can be stepped, as NTP or a resumed VM does,
 * while its monotonic time (`currentTimeNanos`) and its sleeps stay those of the TestClock it wraps.
 */
export const steppableClock = (base: Clock.Clock) => {
  let offset = 0
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => base.unsafeCurrentTimeMillis() + offset,
    currentTimeMillis: Effect.sync(() => base.unsafeCurrentTimeMillis() + offset),
    unsafeCurrentTimeNanos: () => base.unsafeCurrentTimeNanos(),
    currentTimeNanos: base.currentTimeNanos,
    sleep: (duration) => base.sleep(duration)
  }
  return {
    clock,
    step: (millis: number) => {
      offset += millis
    },
    /** The wall time, as an ISO string. */
    wall: () => new Date(base.unsafeCurrentTimeMillis() + offset).toISOString()
  }
}
