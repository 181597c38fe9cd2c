/**
 * Time helpers shared by the tests: the current virtual time, a log of
 * labelled instants, and a clock whose wall time can be stepped.
 */
import type { Clock } from "effect"
import { Effect } from "effect"

/** The current virtual time, in milliseconds. */
export const now = Effect.clockWith((clock) => Effect.sync(() => clock.currentTimeMillisUnsafe()))

/** Appends `label@<virtual time>` to `log`. */
export const mark = (log: Array<string>, label: string) =>
  Effect.flatMap(now, (t) => Effect.sync(() => void log.push(`${label}@${t}`)))

/**
 * A clock whose wall time (`currentTimeMillis`, `currentTimeNanos`) can be stepped, as NTP or a resumed VM
 * does, while its monotonic time (`monotonicTimeNanos`) and its sleeps stay those of the TestClock it wraps.
 */
export const steppableClock = (base: Clock.Clock) => {
  let offset = 0
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => base.currentTimeMillisUnsafe() + offset,
    currentTimeMillis: Effect.sync(() => base.currentTimeMillisUnsafe() + offset),
    currentTimeNanosUnsafe: () => base.currentTimeNanosUnsafe() + BigInt(offset) * 1_000_000n,
    currentTimeNanos: Effect.sync(() => base.currentTimeNanosUnsafe() + BigInt(offset) * 1_000_000n),
    monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: base.monotonicTimeNanos,
    sleep: (duration) => base.sleep(duration)
  }
  return {
    clock,
    step: (millis: number) => {
      offset += millis
    },
    /** The wall time, as an ISO string. */
    wall: () => new Date(base.currentTimeMillisUnsafe() + offset).toISOString()
  }
}
