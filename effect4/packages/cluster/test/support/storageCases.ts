/**
 * The cases of the durable state, run on SQLite and on PostgreSQL: each test
 * gets a fresh, empty database from `Db`.
 */
import { ClusterRepeater } from "@effect-repeater/cluster"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as SqlClient from "effect/sql/SqlClient"
import * as storage from "../../src/internal/storage.js"

const setup = (name: string) =>
  Effect.andThen(storage.ensureTable, Effect.andThen(storage.ensureTable, storage.ensureRow(name)))

export const storageCases = (label: string, Db: Layer.Layer<SqlClient.SqlClient, unknown>): void => {
  describe(`durable state of cluster repeaters (${label})`, () => {
    it.effect("a tick is claimed once: the same tick, an older one or a claim from a stale version are refused", () =>
      Effect.gen(function*() {
        yield* setup("job")
        yield* storage.ensureRow("job")
        const first = yield* storage.claim("job", 0, 10_000, 10_001, "a")
        assert.deepStrictEqual(first, Option.some(1))
        // another runner that planned from version 0, for the same tick or a later one
        assert.deepStrictEqual(yield* storage.claim("job", 0, 10_000, 10_002, "b"), Option.none())
        assert.deepStrictEqual(yield* storage.claim("job", 0, 11_000, 11_002, "b"), Option.none())
        // the current version, but a tick not later than the last one claimed
        assert.deepStrictEqual(yield* storage.claim("job", 1, 10_000, 10_003, "b"), Option.none())
        assert.deepStrictEqual(yield* storage.claim("job", 1, 9_000, 10_003, "b"), Option.none())
        // the current version and the next tick
        assert.deepStrictEqual(yield* storage.claim("job", 1, 11_000, 11_004, "b"), Option.some(2))
        const row = Option.getOrThrow(yield* storage.load("job"))
        assert.strictEqual(row.lastScheduled, 11_000)
        assert.strictEqual(row.lastStarted, 11_004)
        assert.strictEqual(row.lastOutcome, "running")
        assert.strictEqual(row.holder, "b")
      }).pipe(Effect.provide(Db)))

    it.effect("the end of a run is recorded with its outcome and counted, unless another claim came since", () =>
      Effect.gen(function*() {
        yield* setup("job")
        yield* storage.claim("job", 0, 10_000, 10_001, "a")
        yield* storage.finish("job", 1, 10_050, "failure")
        let row = Option.getOrThrow(yield* storage.load("job"))
        assert.deepStrictEqual([row.lastFinished, row.lastOutcome, row.runs, row.failures], [10_050, "failure", 1, 1])
        yield* storage.claim("job", 1, 11_000, 11_001, "a")
        yield* storage.finish("job", 2, 11_020, "success")
        row = Option.getOrThrow(yield* storage.load("job"))
        assert.deepStrictEqual([row.lastFinished, row.lastOutcome, row.runs, row.failures], [11_020, "success", 2, 1])
        // a late finish of the run of version 1 changes nothing
        yield* storage.finish("job", 1, 11_500, "failure")
        row = Option.getOrThrow(yield* storage.load("job"))
        assert.deepStrictEqual([row.lastFinished, row.lastOutcome, row.runs, row.failures], [11_020, "success", 2, 1])
        // an interrupted run is recorded, not counted
        yield* storage.claim("job", 2, 12_000, 12_001, "a")
        yield* storage.finish("job", 3, 12_010, "interrupted")
        row = Option.getOrThrow(yield* storage.load("job"))
        assert.deepStrictEqual([row.lastOutcome, row.runs], ["interrupted", 2])
      }).pipe(Effect.provide(Db)))

    it.effect("a new holder marks a run its predecessor left unfinished as abandoned", () =>
      Effect.gen(function*() {
        yield* setup("job")
        yield* storage.claim("job", 0, 10_000, 10_001, "a")
        const row = Option.getOrThrow(yield* storage.takeHold("job", "b", 15_000))
        assert.deepStrictEqual([row.lastOutcome, row.holder, row.heldSince], ["abandoned", "b", 15_000])
        // a finished run stays as it was
        yield* storage.claim("job", 2, 16_000, 16_001, "b")
        yield* storage.finish("job", 3, 16_002, "success")
        const again = Option.getOrThrow(yield* storage.takeHold("job", "c", 17_000))
        assert.strictEqual(again.lastOutcome, "success")
      }).pipe(Effect.provide(Db)))

    it.effect("a new holder fences the previous one: its claims on the version it had are refused", () =>
      Effect.gen(function*() {
        yield* setup("job")
        const a = Option.getOrThrow(yield* storage.takeHold("job", "a", 9_000))
        const claimed = Option.getOrThrow(yield* storage.claim("job", a.version, 10_000, 10_001, "a"))
        // b takes hold before a claims its next tick: a's version is stale, even for a later tick
        const b = Option.getOrThrow(yield* storage.takeHold("job", "b", 10_500))
        assert.isAbove(b.version, claimed)
        assert.deepStrictEqual(yield* storage.claim("job", claimed, 11_000, 11_001, "a"), Option.none())
        assert.deepStrictEqual(yield* storage.claim("job", b.version, 11_000, 11_002, "b"), Option.some(b.version + 1))
        assert.strictEqual(Option.getOrThrow(yield* storage.load("job")).holder, "b")
      }).pipe(Effect.provide(Db)))

    it.effect("ClusterRepeater.list and status read the stored state; an unknown name is a RepeaterNotFoundError", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* ClusterRepeater.list, [])
        yield* setup("b-job")
        yield* setup("a-job")
        yield* storage.takeHold("a-job", "runner-1", 9_000)
        yield* storage.claim("a-job", 1, 10_000, 10_001, "runner-1")
        yield* storage.finish("a-job", 2, 10_040, "success")
        yield* storage.end("b-job", "completed")
        const list = yield* ClusterRepeater.list
        assert.deepStrictEqual(list.map((s) => s.name), ["a-job", "b-job"])
        const status = yield* ClusterRepeater.status("a-job")
        assert.deepStrictEqual(status, {
          name: "a-job",
          holder: Option.some("runner-1"),
          heldSince: Option.some(DateTime.makeUnsafe(9_000)),
          lastScheduled: Option.some(DateTime.makeUnsafe(10_000)),
          lastStarted: Option.some(DateTime.makeUnsafe(10_001)),
          lastFinished: Option.some(DateTime.makeUnsafe(10_040)),
          lastOutcome: Option.some<ClusterRepeater.ClusterRunOutcome>("success"),
          runs: 1,
          failures: 0,
          ended: Option.none()
        })
        assert.deepStrictEqual(list[1].ended, Option.some("completed"))
        const missing = yield* Effect.flip(ClusterRepeater.status("nope"))
        assert.strictEqual(missing._tag, "RepeaterNotFoundError")
        assert.strictEqual(missing._tag === "RepeaterNotFoundError" ? missing.repeater : "", "nope")
      }).pipe(Effect.provide(Db)))
  })
}
