import { ClusterRepeater, CurrentTick } from "@effect-repeater/cluster"
import { assert, describe, it } from "@effect/vitest"
import * as TestRunner from "effect/cluster/TestRunner"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Scope from "effect/Scope"
import * as SqlClient from "effect/sql/SqlClient"
import * as TestClock from "effect/testing/TestClock"
import { settle } from "./support/settle.js"
import * as NodeSqlite from "./support/sqlite.js"

/** Real SQLite (Node's `node:sqlite`) in a fresh folder per test, shared by the runners of the test. */
const Sqlite = NodeSqlite.layer()

const P = 1000
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

/** One in-memory runner holding the repeater, started in its own Scope (a process's lifetime). */
const startRunner = <A, E, R>(layer: Layer.Layer<A, E, R>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    yield* Layer.buildWithScope(Layer.provide(layer, TestRunner.layer), scope)
    yield* settle
    return scope
  })

describe("a holder that another runner took the repeater from while it still runs (TestRunner each, one SQLite file, TestClock)", () => {
  it.effect("claims no tick once the other took hold: each tick runs once, by the new holder, and nothing is reported skipped", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const runs: Array<[string, number]> = []
      const warnings: Array<string> = []
      const Capture = Logger.layer([Logger.make(({ logLevel, message }) => {
        if (logLevel === "Warn") warnings.push(Array.isArray(message) ? message.join(" ") : globalThis.String(message))
      })], { mergeWithExisting: true })
      const job = Effect.flatMap(CurrentTick, (tick) =>
        Effect.sync(() => {
          runs.push([tick.holder, DateTime.toEpochMillis(tick.scheduledAt)])
        }))
      const options = { name: "fenced", every: "1 second", mode: "rate" } as const
      // a holds the repeater and runs it for 5 s
      const a = yield* startRunner(ClusterRepeater.layer(job, { ...options, holder: "a" })).pipe(
        Effect.provide(Capture)
      )
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("4500 millis")
      // b takes it (its own in-memory cluster: a's runner has not noticed it lost the repeater)
      const b = yield* startRunner(ClusterRepeater.layer(job, { ...options, holder: "b" })).pipe(
        Effect.provide(Capture)
      )
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("10 seconds")
      const ticks = runs.map(([, at]) => at)
      // every tick of the grid once, none lost to the two holders claiming in turn
      assert.deepStrictEqual(ticks, Array.from({ length: ticks.length }, (_, k) => T0 + k * P))
      assert.isAtLeast(ticks.length, 14)
      // from the takeover on, only b runs it
      assert.deepStrictEqual(
        runs.filter(([, at]) => at > T0 + 4500).map(([holder]) => holder),
        runs.filter(([, at]) => at > T0 + 4500).map(() => "b")
      )
      assert.deepStrictEqual(warnings.filter((w) => w.includes("skipped")), [])
      assert.isTrue(
        warnings.some((w) => w.includes("b has taken hold of it; it stops on this runner (a)")),
        JSON.stringify(warnings)
      )
      yield* Scope.close(a, Exit.void)
      yield* Scope.close(b, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("its own claim stored although the storage answered with an error is not taken for another holder's", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE effect_repeater_cluster (
        name VARCHAR(255) PRIMARY KEY, version BIGINT NOT NULL, last_scheduled BIGINT, last_started BIGINT,
        last_finished BIGINT, last_outcome VARCHAR(16), runs BIGINT NOT NULL, failures BIGINT NOT NULL,
        ended VARCHAR(16), holder VARCHAR(255), held_since BIGINT, first_due BIGINT)`
      // the second claim (version 2 to 3) is stored, but the statement reports an error (RAISE(FAIL) keeps it)
      yield* sql`CREATE TRIGGER claim_answer_lost AFTER UPDATE ON effect_repeater_cluster
        WHEN NEW.version = 3 AND OLD.version = 2 BEGIN SELECT RAISE(FAIL, 'connection lost'); END`
      const ticks: Array<number> = []
      const job = Effect.flatMap(
        CurrentTick,
        (tick) => Effect.sync(() => ticks.push(DateTime.toEpochMillis(tick.scheduledAt)))
      )
      const runner = yield* startRunner(
        ClusterRepeater.layer(job, { name: "lost-answer", every: "1 second", mode: "rate", holder: "a" })
      )
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("3 seconds")
      // the tick of T0 + 1 s was claimed but not run; the holder goes on
      assert.deepStrictEqual(ticks, [T0, T0 + 2 * P, T0 + 3 * P])
      yield* Scope.close(runner, Exit.void)
    }).pipe(Effect.provide(Sqlite)))
})
