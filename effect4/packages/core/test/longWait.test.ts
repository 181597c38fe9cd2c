/**
 * Long waits on the real default Clock (not TestClock), driven by vitest's
 * fake timers. Effect 3's default Clock treats a sleep longer than 2^31 - 1 ms
 * as infinite (it never fires), and Node turns such a `setTimeout` into a
 * 1 ms timer with a `TimeoutOverflowWarning`: the repeater must split long
 * waits into shorter timers.
 */
import { Repeater } from "@effect-repeater/core"
import type { RepeaterOptions } from "@effect-repeater/core/Repeater"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Exit, Fiber, Stream } from "effect"
import { afterEach, beforeEach, type MockInstance, vi } from "vitest"

const MAX_TIMER_MILLIS = 2 ** 31 - 1
const SECOND = 1_000
const HOUR = 3_600 * SECOND
const DAY = 24 * HOUR

const at = (iso: string): number => new Date(iso).getTime()

let warnings: Array<Error> = []
const onWarning = (warning: Error) => {
  warnings.push(warning)
}
let setTimeoutSpy: MockInstance<typeof setTimeout> | undefined

beforeEach(() => {
  warnings = []
  process.on("warning", onWarning)
})

afterEach(() => {
  process.off("warning", onWarning)
  setTimeoutSpy?.mockRestore()
  setTimeoutSpy = undefined
  vi.useRealTimers()
})

const useFakeTimers = (now: number) => {
  vi.useFakeTimers({
    now,
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate", "Date"]
  })
  // Observes (does not replace) the fake setTimeout: Effect's default Clock and
  // scheduler call the global one.
  setTimeoutSpy = vi.spyOn(globalThis, "setTimeout")
}

/** Lets pending microtasks, 0 ms timers and Effect's scheduler settle without moving the clock. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(0)
}

/** Moves the fake clock forward by `millis`, in steps of at most `step`, settling after each. */
const advance = async (millis: number, step = 6 * HOUR) => {
  let left = millis
  while (left > 0) {
    const by = Math.min(step, left)
    await vi.advanceTimersByTimeAsync(by)
    await settle()
    left -= by
  }
}

/**
 * Starts a repeater on the default runtime (real default Clock) whose task
 * records `Date.now()` at each start; returns the starts and a way to end it.
 */
const start = async (options: RepeaterOptions<never>) => {
  const starts: Array<number> = []
  const task = Effect.sync(() => {
    starts.push(Date.now())
  })
  const program = Effect.gen(function*() {
    yield* Repeater.fork(task, options)
    return yield* Effect.never
  }).pipe(Effect.scoped, Effect.provide(Repeater.layer))
  const fiber = Effect.runFork(program)
  await settle()
  const close = async () => {
    const interrupted = Effect.runPromise(Effect.andThen(Fiber.interrupt(fiber), Fiber.await(fiber)))
    await settle()
    const exit = await interrupted
    assert.isTrue(Exit.hasInterrupts(exit))
  }
  return { starts, close }
}

/** Checks that no timer longer than JavaScript timers can hold was armed, and no overflow was reported. */
const assertNoOverflow = () => {
  const delays = (setTimeoutSpy?.mock.calls ?? []).map((call) => call[1] ?? 0)
  assert.isAbove(delays.length, 0)
  for (const delay of delays) assert.isAtMost(delay, MAX_TIMER_MILLIS)
  assert.deepStrictEqual(
    warnings.filter((warning) => warning.name === "TimeoutOverflowWarning").map((warning) => warning.message),
    []
  )
}

describe("long waits on the real default Clock (fake timers)", () => {
  it("fake timers drive Effect's default Clock", async () => {
    const t0 = at("2026-01-01T00:00:00Z")
    useFakeTimers(t0)
    const { close, starts } = await start({ name: "short", every: "10 seconds" })
    assert.deepStrictEqual(starts, [t0])
    await advance(25 * SECOND, SECOND)
    assert.deepStrictEqual(starts, [t0, t0 + 10 * SECOND, t0 + 20 * SECOND])
    await close()
    assertNoOverflow()
  })

  it("every: \"30 days\" fires at once and again exactly 30 days later", async () => {
    const t0 = at("2026-01-01T00:00:00Z")
    useFakeTimers(t0)
    const { close, starts } = await start({ name: "thirty-days", every: "30 days" })
    assert.deepStrictEqual(starts, [t0])
    await advance(30 * DAY - 1)
    assert.deepStrictEqual(starts, [t0], "not earlier than 30 days")
    await advance(1)
    assert.deepStrictEqual(starts, [t0, t0 + 30 * DAY], "at 30 days")
    await advance(30 * DAY - 1)
    assert.deepStrictEqual(starts, [t0, t0 + 30 * DAY])
    await advance(1)
    assert.deepStrictEqual(starts, [t0, t0 + 30 * DAY, t0 + 60 * DAY])
    await close()
    assertNoOverflow()
  })

  it("initialDelay: \"25 days\" (more than 2^31 - 1 ms) fires exactly at 25 days", async () => {
    const t0 = at("2026-01-01T00:00:00Z")
    useFakeTimers(t0)
    assert.isAbove(25 * DAY, MAX_TIMER_MILLIS)
    const { close, starts } = await start({ name: "delayed", every: "1 hour", initialDelay: "25 days" })
    assert.deepStrictEqual(starts, [])
    await advance(25 * DAY - 1)
    assert.deepStrictEqual(starts, [], "not earlier than 25 days")
    await advance(1)
    assert.deepStrictEqual(starts, [t0 + 25 * DAY], "at 25 days")
    await advance(HOUR)
    assert.deepStrictEqual(starts, [t0 + 25 * DAY, t0 + 25 * DAY + HOUR])
    await close()
    assertNoOverflow()
  })

  it("a monthly cron (UTC) fires at the start of the next month, and of the one after", async () => {
    // Started exactly on a match: the first run is at the next one, 31 days later (more than 2^31 - 1 ms).
    const t0 = at("2026-01-01T00:00:00Z")
    useFakeTimers(t0)
    const { close, starts } = await start({ name: "monthly", cron: "0 0 1 * *", timeZone: "UTC" })
    assert.deepStrictEqual(starts, [])
    const february = at("2026-02-01T00:00:00Z")
    const march = at("2026-03-01T00:00:00Z")
    assert.isAbove(february - t0, MAX_TIMER_MILLIS)
    assert.isAbove(march - february, MAX_TIMER_MILLIS)
    await advance(february - t0 - 1)
    assert.deepStrictEqual(starts, [], "not earlier than 1 February")
    await advance(1)
    assert.deepStrictEqual(starts, [february], "on 1 February")
    await advance(march - february - 1)
    assert.deepStrictEqual(starts, [february], "not earlier than 1 March")
    await advance(1)
    assert.deepStrictEqual(starts, [february, march], "on 1 March")
    await close()
    assertNoOverflow()
  })
})

describe("long timeouts on the real default Clock (fake timers)", () => {
  it("timeout longer than 2^31 - 1 ms fires on the real default Clock (fake timers)", async () => {
    const t0 = Date.parse("2026-01-01T00:00:00Z")
    useFakeTimers(t0)
    const starts: Array<number> = []
    const failures: Array<number> = []
    const task = Effect.andThen(Effect.sync(() => void starts.push(Date.now())), Effect.never)
    const program = Effect.gen(function*() {
      yield* Repeater.fork(task, { name: "batch", every: "1 hour", timeout: "25 days" })
      yield* Effect.forkChild(
        Stream.runForEach(Repeater.events, (event) =>
          Effect.sync(() => {
            if (event._tag === "RunFailed") {
              failures.push(DateTime.toEpochMillis(event.startedAt) + Duration.toMillis(event.duration))
            }
          }))
      )
      yield* Effect.never
    }).pipe(Effect.scoped, Effect.provide(Repeater.layerWith({ defaultGrace: 0 })))
    const fiber = Effect.runFork(program)
    await settle()
    await advance(25 * DAY + HOUR)
    const interrupted = Effect.runPromise(Fiber.interrupt(fiber))
    await settle()
    await interrupted
    // run 1 times out at 25 days (a failed run), run 2 starts one hour later
    assert.deepStrictEqual(failures, [t0 + 25 * DAY])
    assert.deepStrictEqual(starts, [t0, t0 + 25 * DAY + HOUR])
    assertNoOverflow()
  })
})
