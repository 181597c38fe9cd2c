/**
 * Every duration option of core at 25, 30 and 365 days (longer than the 2^31 - 1 ms a JavaScript
 * timer holds): on TestClock behind a Clock that keeps the default Clock's limit (a longer sleep
 * never ends), so that a wait not split into shorter ones would never end here either.
 */
import { Repeater } from "@effect-repeater/core"
import type { RepeaterOptions } from "@effect-repeater/core/Repeater"
import { assert, describe, it } from "@effect/vitest"
import { Clock, type Context, Duration, Effect, Fiber, Layer, Scope } from "effect"
import { TestClock } from "effect/testing"
import { isPending } from "./support/stepsAndStops.js"

const MAX_TIMER_MILLIS = 2 ** 31 - 1
const DAY = 86_400_000

/** A clock's time and sleeps, except that a sleep longer than 2^31 - 1 ms never ends, as on the default Clock. */
const withTimerLimit = (clock: Clock.Clock): Clock.Clock => ({
  currentTimeMillisUnsafe: () => clock.currentTimeMillisUnsafe(),
  currentTimeMillis: clock.currentTimeMillis,
  currentTimeNanosUnsafe: () => clock.currentTimeNanosUnsafe(),
  currentTimeNanos: clock.currentTimeNanos,
  monotonicTimeNanosUnsafe: () => clock.monotonicTimeNanosUnsafe(),
  monotonicTimeNanos: clock.monotonicTimeNanos,
  sleep: (duration) => Duration.toMillis(duration) > MAX_TIMER_MILLIS ? Effect.never : clock.sleep(duration)
})

/**
 * A `Repeater` service on the limited clock (with `defaultGrace`), and a repeater of `task` in it;
 * the task records the virtual time of each start.
 */
const setup = (
  options: RepeaterOptions<never>,
  task: (starts: Array<number>) => Effect.Effect<void>,
  defaultGrace: Duration.Input = 0
) =>
  Effect.gen(function*() {
    const clock = withTimerLimit(yield* Clock.clockWith(Effect.succeed))
    const scope = yield* Effect.scope
    const context: Context.Context<Repeater.Repeater> = yield* Layer.buildWithScope(
      Repeater.layerWith({ defaultGrace }),
      scope
    ).pipe(Effect.provideService(Clock.Clock, clock))
    const starts: Array<number> = []
    const recorded = Effect.andThen(
      Effect.sync(() => void starts.push(clock.currentTimeMillisUnsafe())),
      task(starts)
    )
    const handle = yield* Repeater.fork(recorded, options).pipe(
      Effect.provide(context),
      Scope.provide(scope),
      Effect.provideService(Clock.Clock, clock)
    )
    return { clock, handle, starts }
  })

describe("core's duration options at 25, 30 and 365 days", () => {
  for (const days of [25, 30, 365]) {
    const length = `${days} days` as const

    it.effect(`every: ${length} runs again exactly ${days} days later`, () =>
      Effect.gen(function*() {
        const { starts } = yield* setup({ name: "long", every: length }, () => Effect.void)
        yield* TestClock.adjust(days * DAY - 1_000)
        assert.deepStrictEqual(starts, [0])
        yield* TestClock.adjust(1_000)
        assert.deepStrictEqual(starts, [0, days * DAY])
      }))

    it.effect(`initialDelay: ${length} runs first exactly ${days} days later`, () =>
      Effect.gen(function*() {
        const { starts } = yield* setup({ name: "long", every: "1 hour", initialDelay: length }, () => Effect.void)
        yield* TestClock.adjust(days * DAY - 1_000)
        assert.deepStrictEqual(starts, [])
        yield* TestClock.adjust(1_000)
        assert.deepStrictEqual(starts, [days * DAY])
      }))

    it.effect(`timeout: ${length} fails a run that never ends exactly ${days} days after it started`, () =>
      Effect.gen(function*() {
        const { handle } = yield* setup({ name: "long", every: "1000 days", timeout: length }, () => Effect.never)
        yield* TestClock.adjust(days * DAY - 1_000)
        assert.strictEqual((yield* handle.status).failures, 0)
        yield* TestClock.adjust(1_000)
        assert.strictEqual((yield* handle.status).failures, 1)
      }))

    it.effect(`jitter: ${length} puts each start within ${days} days of its tick`, () =>
      Effect.gen(function*() {
        const every = 2 * days * DAY
        const { starts } = yield* setup(
          { name: "long", every: `${2 * days} days`, mode: "rate", jitter: length },
          () => Effect.void
        )
        yield* TestClock.adjust(2 * every - 1)
        assert.strictEqual(starts.length, 2)
        starts.forEach((start, k) => {
          assert.isAtLeast(start - k * every, 0)
          assert.isBelow(start - k * every, days * DAY)
        })
      }))

    for (const where of ["grace", "defaultGrace", "stop({ grace })"] as const) {
      it.effect(`${where}: ${length} lets a stop wait exactly ${days} days for the run, then interrupt it`, () =>
        Effect.gen(function*() {
          const { handle } = yield* setup(
            { name: "long", every: "1 hour", ...(where === "grace" ? { grace: length } : {}) },
            () => Effect.never,
            where === "defaultGrace" ? length : 0
          )
          yield* TestClock.adjust(0)
          const stopping = yield* Effect.forkChild(
            where === "stop({ grace })" ? handle.stop({ grace: length }) : handle.stop()
          )
          yield* TestClock.adjust(days * DAY - 1_000)
          assert.isTrue(yield* isPending(stopping))
          yield* TestClock.adjust(1_000)
          assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
        }))
    }
  }
})
