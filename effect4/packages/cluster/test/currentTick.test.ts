import { ClusterRepeater, CurrentTick } from "@effect-repeater/cluster"
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as TestRunner from "effect/cluster/TestRunner"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import { settle } from "./support/settle.js"
import * as NodeSqlite from "./support/sqlite.js"

/** Real SQLite (Node's `node:sqlite`) in a fresh folder per test. */
const Sqlite = NodeSqlite.layer()

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

/** One in-memory runner holding the repeater, started in its own Scope. */
const startRunner = <A, E, R>(layer: Layer.Layer<A, E, R>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    yield* Layer.buildWithScope(Layer.provide(layer, TestRunner.layer), scope)
    yield* settle
    return scope
  })

describe("CurrentTick: the tick core scheduled the run for (TestRunner, real SQLite, TestClock)", () => {
  it.effect("cron with a jitter longer than its period: each run stands for its own match, not the one its start is near", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const runs: Array<{ readonly tick: number; readonly start: number }> = []
      const job = Effect.flatMap(
        CurrentTick,
        (tick) =>
          Effect.flatMap(Clock.currentTimeMillis, (start) =>
            Effect.sync(() => {
              runs.push({ tick: DateTime.toEpochMillis(tick.scheduledAt), start })
            }))
      )
      const EverySecond = ClusterRepeater.layer(
        job,
        { name: "every-second", cron: "* * * * * *", timeZone: "UTC", jitter: "3 seconds" }
      )
      const runner = yield* startRunner(EverySecond)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("60 seconds")
      yield* Scope.close(runner, Exit.void)
      assert.isAtLeast(runs.length, 15)
      // core's cron rule: the first match after the start, then the first match after the previous run ended (the
      // runs take no time); the jitter moves the start only
      assert.strictEqual(runs[0].tick, T0 + 1000)
      runs.forEach((run, k) => {
        if (k > 0) assert.strictEqual(run.tick, Math.floor(runs[k - 1].start / 1000) * 1000 + 1000, `run ${k}`)
        assert.isAtLeast(run.start, run.tick)
        assert.isBelow(run.start, run.tick + 3000)
      })
      // (a start more than a second after its match: a tick read from the start would be a later match)
      assert.isTrue(runs.some((run) => run.start - run.tick >= 1000))
    }).pipe(Effect.provide(Sqlite)))
})
