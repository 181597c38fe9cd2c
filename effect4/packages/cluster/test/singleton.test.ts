import { ClusterRepeater, CurrentTick } from "@effect-repeater/cluster"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as TestRunner from "effect/cluster/TestRunner"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as References from "effect/References"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as SqlClient from "effect/sql/SqlClient"
import * as TestClock from "effect/testing/TestClock"
import { settle } from "./support/settle.js"
import * as NodeSqlite from "./support/sqlite.js"

/** Real SQLite (Node's `node:sqlite`) in a fresh folder per test. */
const Sqlite = NodeSqlite.layer()

const P = 10_000
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

/** One in-memory runner holding the repeater, started in its own Scope (a process's lifetime). */
const startRunner = <A, E, R>(layer: Layer.Layer<A, E, R>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    yield* Layer.buildWithScope(Layer.provide(layer, TestRunner.layer), scope)
    yield* settle
    return scope
  })

describe("ClusterRepeater on one runner (TestRunner, real SQLite, TestClock)", () => {
  it.effect("runs on its schedule with its tick in CurrentTick; a restart continues the schedule instead of running again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const ticks: Array<number> = []
      const job = Effect.flatMap(
        CurrentTick,
        (tick) => Effect.sync(() => ticks.push(DateTime.toEpochMillis(tick.scheduledAt)))
      )
      const Periodic = ClusterRepeater.layer(job, { name: "periodic", every: "10 seconds", mode: "rate" })

      const first = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("20 seconds")
      assert.deepStrictEqual(ticks, [T0, T0 + P, T0 + 2 * P])
      yield* Scope.close(first, Exit.void)

      // a deploy 2 seconds later: nothing is due, nothing runs until the next tick of the same grid
      yield* TestClock.adjust("2 seconds")
      const second = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(ticks, [T0, T0 + P, T0 + 2 * P])
      yield* TestClock.adjust("8 seconds")
      assert.deepStrictEqual(ticks, [T0, T0 + P, T0 + 2 * P, T0 + 3 * P])
      const status = yield* ClusterRepeater.status("periodic")
      assert.strictEqual(status.runs, 4)
      assert.deepStrictEqual(status.lastOutcome, Option.some("success"))
      yield* Scope.close(second, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("runOnce: a restart after missed ticks runs the latest of them once, at once, then keeps the grid", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const ticks: Array<[number, boolean, number]> = []
      const job = Effect.flatMap(
        CurrentTick,
        (tick) =>
          Effect.clockWith((clock) =>
            Effect.sync(() =>
              ticks.push([DateTime.toEpochMillis(tick.scheduledAt), tick.catchUp, clock.currentTimeMillisUnsafe()])
            )
          )
      )
      const Periodic = ClusterRepeater.layer(job, { name: "periodic", every: "10 seconds", mode: "rate" })
      const first = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("10 seconds")
      yield* Scope.close(first, Exit.void)
      // down for 35 seconds: the ticks of T0 + 20, 30 and 40 seconds are missed
      yield* TestClock.adjust("35 seconds")
      const second = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(ticks, [
        [T0, false, T0],
        [T0 + P, false, T0 + P],
        [T0 + 4 * P, true, T0 + 45_000],
        [T0 + 5 * P, false, T0 + 5 * P]
      ])
      yield* Scope.close(second, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("skip: a restart after missed ticks waits for the next tick of the grid", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const ticks: Array<number> = []
      const job = Effect.flatMap(CurrentTick, (tick) =>
        Effect.sync(() => ticks.push(DateTime.toEpochMillis(tick.scheduledAt))))
      const Periodic = ClusterRepeater.layer(
        job,
        { name: "periodic", every: "10 seconds", mode: "rate", missed: "skip" }
      )
      const first = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      yield* Scope.close(first, Exit.void)
      yield* TestClock.adjust("35 seconds")
      const second = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(ticks, [T0])
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(ticks, [T0, T0 + 4 * P])
      yield* Scope.close(second, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("rate mode, a run that ends just before the second next tick: the run that follows stands for the tick core runs it for", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const ticks: Array<number> = []
      const job = Effect.flatMap(CurrentTick, (tick) =>
        Effect.andThen(
          Effect.sync(() => ticks.push(DateTime.toEpochMillis(tick.scheduledAt))),
          // the first run ends 50 ms before T0 + 2P: core runs the tick of T0 + P at once, then T0 + 2P
          ticks.length === 0 ? Effect.sleep("19950 millis") : Effect.void
        ))
      const Periodic = ClusterRepeater.layer(job, { name: "periodic", every: "10 seconds", mode: "rate" })
      const runner = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("30 seconds")
      assert.deepStrictEqual(ticks, [T0, T0 + P, T0 + 2 * P, T0 + 3 * P])
      yield* Scope.close(runner, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("rate mode, an overrun: the ticks core skips are logged with their first instant and count", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const logs: Array<{ message: string; from: unknown; count: unknown }> = []
      const Capture = Logger.layer([Logger.make(({ fiber, message }) => {
        const annotations = Context.get(fiber.context, References.CurrentLogAnnotations)
        logs.push({
          message: Array.isArray(message) ? message.join(" ") : globalThis.String(message),
          from: annotations["skippedFrom"],
          count: annotations["skippedCount"]
        })
      })], { mergeWithExisting: true })
      const ticks: Array<number> = []
      const job = Effect.flatMap(CurrentTick, (tick) =>
        Effect.andThen(
          Effect.sync(() => ticks.push(DateTime.toEpochMillis(tick.scheduledAt))),
          ticks.length === 0 ? Effect.sleep("35 seconds") : Effect.void
        ))
      const Periodic = ClusterRepeater.layer(job, { name: "periodic", every: "10 seconds", mode: "rate" })
      const runner = yield* startRunner(Periodic).pipe(Effect.provide(Capture))
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("40 seconds")
      // the run of T0 ends at T0 + 35 s: the ticks of T0 + P and T0 + 2P are skipped, T0 + 3P runs at once
      assert.deepStrictEqual(ticks, [T0, T0 + 3 * P, T0 + 4 * P])
      const skipped = logs.filter((log) => log.message.includes("skipped from"))
      assert.deepStrictEqual(skipped.map((log) => [log.from, log.count]), [[T0 + P, 2]])
      assert.include(skipped[0].message, "\"periodic\": 2 tick(s) skipped")
      yield* Scope.close(runner, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("maxRepetitions counts runs across restarts; once completed it is not started again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      let count = 0
      const Periodic = ClusterRepeater.layer(
        Effect.sync(() => count++),
        { name: "limited", every: "10 seconds", mode: "rate", maxRepetitions: 3 }
      )
      const first = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(count, 2)
      yield* Scope.close(first, Exit.void)
      const second = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("60 seconds")
      assert.strictEqual(count, 3)
      const status = yield* ClusterRepeater.status("limited")
      assert.deepStrictEqual(status.ended, Option.some("completed"))
      yield* Scope.close(second, Exit.void)
      const third = yield* startRunner(Periodic)
      yield* TestClock.adjust("60 seconds")
      assert.strictEqual(count, 3)
      yield* Scope.close(third, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("onError \"stop\": the repeater ends failed for the whole cluster; a timeout is a failure", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      let count = 0
      const Failing = ClusterRepeater.layer(
        Effect.andThen(Effect.sync(() => count++), Effect.sleep("5 seconds")),
        { name: "failing", every: "10 seconds", mode: "rate", onError: "stop", timeout: "1 second" }
      )
      const first = yield* startRunner(Failing)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual(count, 1)
      const status = yield* ClusterRepeater.status("failing")
      assert.deepStrictEqual(status.ended, Option.some("failed"))
      assert.deepStrictEqual(status.lastOutcome, Option.some("failure"))
      assert.strictEqual(status.failures, 1)
      yield* Scope.close(first, Exit.void)
      const second = yield* startRunner(Failing)
      yield* TestClock.adjust("30 seconds")
      assert.strictEqual(count, 1)
      yield* Scope.close(second, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("retry: a failed attempt is retried within the same tick, which is claimed once", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const attempts: Array<number> = []
      const Flaky = ClusterRepeater.layer(
        Effect.flatMap(CurrentTick, (tick) =>
          Effect.suspend(() => {
            attempts.push(DateTime.toEpochMillis(tick.scheduledAt))
            return attempts.length < 3 ? Effect.fail("flaky" as const) : Effect.void
          })),
        { name: "flaky", every: "10 seconds", mode: "rate", retry: Schedule.recurs(2) }
      )
      const first = yield* startRunner(Flaky)
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(attempts, [T0, T0, T0])
      const status = yield* ClusterRepeater.status("flaky")
      assert.deepStrictEqual([status.runs, status.failures, status.lastOutcome], [1, 0, Option.some("success")])
      yield* Scope.close(first, Exit.void)
    }).pipe(Effect.provide(Sqlite)))
})

describe("a restart before the first tick (TestRunner, real SQLite, TestClock)", () => {
  it.effect("waitFirst: a restart keeps the first tick where it was planned instead of waiting `every` again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const ticks: Array<number> = []
      const Minutely = ClusterRepeater.layer(
        Effect.flatMap(CurrentTick, (tick) => Effect.sync(() => ticks.push(DateTime.toEpochMillis(tick.scheduledAt)))),
        { name: "minutely", every: "1 minute", mode: "rate", waitFirst: true }
      )
      const MINUTE = 60_000
      const first = yield* startRunner(Minutely)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("40 seconds")
      yield* Scope.close(first, Exit.void)
      // a deploy 40 seconds in: the first tick stays at T0 + 1 minute
      const second = yield* startRunner(Minutely)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("20 seconds")
      assert.deepStrictEqual(ticks, [T0 + MINUTE])
      yield* Scope.close(second, Exit.void)
      // down from T0 + 1 min to T0 + 2.5 min: the tick of T0 + 2 min is caught up (runOnce), then the grid goes on
      yield* TestClock.adjust("90 seconds")
      const third = yield* startRunner(Minutely)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("30 seconds")
      assert.deepStrictEqual(ticks, [T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE])
      yield* Scope.close(third, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("initialDelay, delay mode, missed a first tick with skip: the next one after it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const starts: Array<number> = []
      const Delayed = ClusterRepeater.layer(
        Effect.clockWith((clock) => Effect.sync(() => starts.push(clock.currentTimeMillisUnsafe()))),
        { name: "delayed", every: "10 seconds", initialDelay: "30 seconds", missed: "skip" }
      )
      const first = yield* startRunner(Delayed)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("20 seconds")
      yield* Scope.close(first, Exit.void)
      yield* TestClock.adjust("15 seconds") // T0 + 35 s: the first tick (T0 + 30 s) was missed
      const second = yield* startRunner(Delayed)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(starts, [T0 + 40_000])
      yield* Scope.close(second, Exit.void)
    }).pipe(Effect.provide(Sqlite)))
})

describe("ClusterRepeater with cron and delay mode (TestRunner, real SQLite, TestClock)", () => {
  it.effect("cron: each run stands for its match; a restart that missed matches runs the latest once", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0 + 3_000)
      const ticks: Array<[number, boolean]> = []
      const job = Effect.flatMap(
        CurrentTick,
        (tick) => Effect.sync(() => ticks.push([DateTime.toEpochMillis(tick.scheduledAt), tick.catchUp]))
      )
      const EveryTen = ClusterRepeater.layer(job, { name: "cron", cron: "*/10 * * * * *", timeZone: "UTC" })
      const first = yield* startRunner(EveryTen)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("17 seconds") // T0 + 20 s
      assert.deepStrictEqual(ticks, [[T0 + P, false], [T0 + 2 * P, false]])
      yield* Scope.close(first, Exit.void)
      yield* TestClock.adjust("25 seconds") // T0 + 45 s: the matches of 30 and 40 s are missed
      const second = yield* startRunner(EveryTen)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(ticks, [[T0 + P, false], [T0 + 2 * P, false], [T0 + 4 * P, true], [T0 + 5 * P, false]])
      yield* Scope.close(second, Exit.void)
    }).pipe(Effect.provide(Sqlite)))

  it.effect("delay mode: a restart waits `every` after the end of the last run", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const starts: Array<number> = []
      const job = Effect.andThen(
        Effect.clockWith((clock) => Effect.sync(() => starts.push(clock.currentTimeMillisUnsafe()))),
        Effect.sleep("2 seconds")
      )
      const Delayed = ClusterRepeater.layer(job, { name: "delay", every: "10 seconds" })
      const first = yield* startRunner(Delayed)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("3 seconds") // the first run ended at T0 + 2 s
      yield* Scope.close(first, Exit.void)
      const second = yield* startRunner(Delayed)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("8 seconds") // T0 + 11 s
      assert.deepStrictEqual(starts, [T0])
      yield* TestClock.adjust("1 second") // T0 + 12 s
      assert.deepStrictEqual(starts, [T0, T0 + 12_000])
      yield* TestClock.adjust("2 seconds") // the run ends
      yield* Scope.close(second, Exit.void)
    }).pipe(Effect.provide(Sqlite)))
})

describe("two runners that both hold the repeater (TestRunner each, one SQLite file, TestClock)", () => {
  it.effect("each tick is claimed by one of them and runs once", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const ticks: Array<number> = []
      const job = Effect.flatMap(CurrentTick, (tick) =>
        Effect.sync(() => ticks.push(DateTime.toEpochMillis(tick.scheduledAt))))
      const Periodic = ClusterRepeater.layer(job, { name: "periodic", every: "10 seconds", mode: "rate" })
      // two separate in-memory clusters: each runner believes it holds the singleton
      const a = yield* startRunner(Periodic)
      const b = yield* startRunner(Periodic)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("50 seconds")
      assert.deepStrictEqual(ticks, [T0, T0 + P, T0 + 2 * P, T0 + 3 * P, T0 + 4 * P, T0 + 5 * P])
      const status = yield* ClusterRepeater.status("periodic")
      assert.strictEqual(status.runs, 6)
      yield* Scope.close(a, Exit.void)
      yield* Scope.close(b, Exit.void)
    }).pipe(Effect.provide(Sqlite)))
})

describe("a storage failure when a runner takes the repeater (TestRunner, real SQLite, TestClock)", () => {
  it.effect("is logged with its cause and retried until the storage is back: the repeater then runs", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const logs: Array<{ level: string; message: string; cause: string }> = []
      const Capture = Logger.layer([Logger.make(({ cause, logLevel, message }) => {
        logs.push({
          level: logLevel,
          message: Array.isArray(message) ? message.join(" ") : globalThis.String(message),
          cause: Cause.pretty(cause)
        })
      })], { mergeWithExisting: true })
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE effect_repeater_cluster (
        name VARCHAR(255) PRIMARY KEY, version BIGINT NOT NULL, last_scheduled BIGINT, last_started BIGINT,
        last_finished BIGINT, last_outcome VARCHAR(16), runs BIGINT NOT NULL, failures BIGINT NOT NULL,
        ended VARCHAR(16), holder VARCHAR(255), held_since BIGINT)`
      // the storage refuses every update of the state for a while (a database failover, a full disk)
      yield* sql`CREATE TRIGGER storage_down BEFORE UPDATE ON effect_repeater_cluster
        BEGIN SELECT RAISE(ABORT, 'storage is down'); END`
      let count = 0
      const Guarded = ClusterRepeater.layer(
        Effect.sync(() => count++),
        { name: "guarded", every: "10 seconds", mode: "rate" }
      )
      const runner = yield* startRunner(Guarded).pipe(Effect.provide(Capture))
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("60 seconds")
      assert.strictEqual(count, 0)
      const failure = logs.find((log) => log.message.includes("\"guarded\"") && log.cause.includes("SqlError"))
      assert.isDefined(failure, JSON.stringify(logs.map((log) => log.message)))
      yield* sql`DROP TRIGGER storage_down`
      yield* TestClock.adjust("30 seconds")
      assert.isAtLeast(count, 1)
      yield* Scope.close(runner, Exit.void)
    }).pipe(Effect.provide(Sqlite)))
})

describe("a tick that cannot be claimed (TestRunner, real SQLite, TestClock)", () => {
  it.effect("is not run and not counted: maxRepetitions still gets its runs before the repeater ends for the cluster", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE effect_repeater_cluster (
        name VARCHAR(255) PRIMARY KEY, version BIGINT NOT NULL, last_scheduled BIGINT, last_started BIGINT,
        last_finished BIGINT, last_outcome VARCHAR(16), runs BIGINT NOT NULL, failures BIGINT NOT NULL,
        ended VARCHAR(16), holder VARCHAR(255), held_since BIGINT)`
      // the second claim fails in the storage (taking hold makes version 1, the first claim 2)
      yield* sql`CREATE TRIGGER claim_down BEFORE UPDATE ON effect_repeater_cluster WHEN NEW.version = 3
        BEGIN SELECT RAISE(ABORT, 'storage is down'); END`
      const ticks: Array<number> = []
      const Limited = ClusterRepeater.layer(
        Effect.flatMap(CurrentTick, (tick) => Effect.sync(() => ticks.push(DateTime.toEpochMillis(tick.scheduledAt)))),
        { name: "limited", every: "10 seconds", mode: "rate", maxRepetitions: 2, missed: "skip" }
      )
      const runner = yield* startRunner(Limited)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(ticks, [T0])
      yield* sql`DROP TRIGGER claim_down`
      yield* TestClock.adjust("30 seconds")
      assert.deepStrictEqual(ticks, [T0, T0 + 2 * P])
      const status = yield* ClusterRepeater.status("limited")
      assert.deepStrictEqual([status.runs, status.ended], [2, Option.some("completed")])
      yield* Scope.close(runner, Exit.void)
    }).pipe(Effect.provide(Sqlite)))
})

describe("bad options fail when the layer is built, naming the option and the value", () => {
  it.effect("a cluster option and a core option", () =>
    Effect.gen(function*() {
      const missed = yield* Effect.flip(startRunner(ClusterRepeater.layer(
        Effect.void,
        // @ts-expect-error: not a policy
        { name: "bad", every: "1 second", missed: "replay" }
      )))
      // the cluster's own option: the cluster's error
      assert.strictEqual(missed._tag, "ClusterRepeaterConfigError")
      assert.strictEqual(missed._tag === "ClusterRepeaterConfigError" ? missed.field : "", "missed")
      assert.strictEqual(missed._tag === "ClusterRepeaterConfigError" ? missed.value : "", "replay")
      assert.strictEqual(missed._tag === "ClusterRepeaterConfigError" ? missed.repeater : "", "bad")
      const every = yield* Effect.flip(
        startRunner(ClusterRepeater.layer(Effect.void, { name: "bad", every: "-1 second" }))
      )
      // an option core checks (Repeater.validate): core's error
      assert.strictEqual(every._tag, "RepeaterConfigError")
      assert.strictEqual(every._tag === "RepeaterConfigError" ? every.field : "", "every")
      assert.strictEqual(every._tag === "RepeaterConfigError" ? every.value : "", "-1 second")
      // the state table keeps at most 255 characters of a holder's name (PostgreSQL enforces it)
      const long = "h".repeat(256)
      const holder = yield* Effect.flip(
        startRunner(ClusterRepeater.layer(Effect.void, { name: "bad", every: "1 second", holder: long }))
      )
      assert.strictEqual(holder._tag === "ClusterRepeaterConfigError" ? holder.field : "", "holder")
      assert.strictEqual(holder._tag === "ClusterRepeaterConfigError" ? holder.value : "", long)
    }).pipe(Effect.provide(Sqlite)))
})
