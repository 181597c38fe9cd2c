/**
 * Time helpers shared by the tests: the current virtual time, a log of
 * labelled instants, and a clock whose wall time can be stepped.
 */
import { Clock, Effect } from "effect"

/** The current virtual time, in milliseconds. */
export const now = Effect.clockWith((clock) => Effect.sync(() => clock.unsafeCurrentTimeMillis()))

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
