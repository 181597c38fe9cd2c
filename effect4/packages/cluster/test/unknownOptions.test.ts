import { ClusterRepeater, ClusterRunner } from "@effect-repeater/cluster"
import { assert, describe, it } from "@effect/vitest"
import * as TestRunner from "effect/cluster/TestRunner"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeSqlite from "./support/sqlite.js"

/** Options as an untyped caller (JavaScript, JSON config) may give them. */
const untyped = <T>(value: unknown): T => value as T

/** Real SQLite (Node's `node:sqlite`) in a fresh folder per test. */
const Sqlite = NodeSqlite.layer()

/** The error building a cluster repeater's Layer fails with, on an in-memory runner. */
const layerError = (options: ClusterRepeater.ClusterRepeaterOptions<never>) =>
  Effect.flip(Layer.build(Layer.provide(ClusterRepeater.layer(Effect.void, options), TestRunner.layer))).pipe(
    Effect.provide(Sqlite)
  )

const runnerError = (options: ClusterRunner.ClusterRunnerOptions) => Effect.flip(ClusterRunner.shardingConfig(options))

/** Storage settings that are never connected to: these tests read the settings only. */
const pg = { pg: {} }

describe("ClusterRepeater options", () => {
  it.effect("a misspelt cluster option fails with a ClusterRepeaterConfigError naming the nearest", () =>
    Effect.gen(function*() {
      const error = yield* layerError(untyped({ name: "a", every: "1 hour", shardGrup: "jobs" }))
      assert.strictEqual(error._tag, "ClusterRepeaterConfigError")
      if (error._tag !== "ClusterRepeaterConfigError") return
      assert.strictEqual(error.field, "shardGrup")
      assert.strictEqual(error.value, "jobs")
      assert.strictEqual(error.repeater, "a")
      assert.include(error.reason, "did you mean \"shardGroup\"?")
    }))

  it.effect("a misspelt core option is named with the nearest core option", () =>
    Effect.gen(function*() {
      const error = yield* layerError(untyped({ name: "a", every: "1 hour", timout: "5 seconds" }))
      assert.strictEqual(error._tag, "ClusterRepeaterConfigError")
      if (error._tag === "ClusterRepeaterConfigError") assert.include(error.reason, "did you mean \"timeout\"?")
    }))

  it.effect("the cluster's own options are not taken for unknown ones by core", () =>
    Effect.gen(function*() {
      const error = yield* layerError({
        name: "a",
        every: "-1 hour",
        missed: "skip",
        shardGroup: "default",
        holder: "h"
      })
      assert.strictEqual(error._tag, "RepeaterConfigError")
      if (error._tag === "RepeaterConfigError") assert.strictEqual(error.field, "every")
    }))

  it.effect("options of null fail with a ClusterRepeaterConfigError, not a TypeError", () =>
    Effect.gen(function*() {
      const error = yield* layerError(untyped(null))
      assert.strictEqual(error._tag, "ClusterRepeaterConfigError")
      if (error._tag === "ClusterRepeaterConfigError") assert.strictEqual(error.field, "options")
    }))

  it.effect("every below 1 millisecond is refused however it is written", () =>
    Effect.gen(function*() {
      const tooShort: ReadonlyArray<Duration.Input> = ["1 nanos", 1e-9, Duration.nanos(1n)]
      for (const every of tooShort) {
        const error = yield* layerError({ name: "a", every })
        assert.strictEqual(error._tag, "RepeaterConfigError")
      }
    }))
})

describe("ClusterRunner options", () => {
  it.effect("a misspelt option, a misspelt timing and a misspelt sharding setting name the nearest", () =>
    Effect.gen(function*() {
      const top = yield* runnerError(untyped({ storage: pg, port: 1, shardsPerGrop: 10 }))
      assert.deepStrictEqual([top.field, top.value], ["shardsPerGrop", 10])
      assert.include(top.reason, "did you mean \"shardsPerGroup\"?")
      const timing = yield* runnerError(untyped({ storage: pg, port: 1, timings: { lockRefesh: "1 second" } }))
      assert.deepStrictEqual([timing.field, timing.value], ["timings.lockRefesh", "1 second"])
      assert.include(timing.reason, "did you mean \"lockRefresh\"?")
      const sharding = yield* runnerError(
        untyped({ storage: pg, port: 1, shardingConfig: { entityMaxIdelTime: 5 } })
      )
      assert.strictEqual(sharding.field, "shardingConfig.entityMaxIdelTime")
      assert.include(sharding.reason, "did you mean \"entityMaxIdleTime\"?")
    }))

  it.effect("options, timings or sharding settings of null fail with a ClusterRepeaterConfigError", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* runnerError(untyped(null))).field, "options")
      assert.strictEqual((yield* runnerError(untyped({ storage: pg, port: 1, timings: null }))).field, "timings")
      const sharding = yield* runnerError(untyped({ storage: pg, port: 1, shardingConfig: null }))
      assert.strictEqual(sharding.field, "shardingConfig")
    }))

  it.effect("a timing below 1 millisecond is refused however it is written", () =>
    Effect.gen(function*() {
      const tooShort: ReadonlyArray<Duration.Input> = ["1 nanos", 1e-9, Duration.nanos(1n), 0.5]
      for (const value of tooShort) {
        const error = yield* runnerError({ storage: pg, port: 1, timings: { healthCheck: value } })
        assert.deepStrictEqual([error.field, error.value], ["timings.healthCheck", value])
      }
    }))

  it.effect("the layer checks its storage's keys and the durations of { pg }", () =>
    Effect.gen(function*() {
      const failure = (options: ClusterRunner.ClusterRunnerOptions) =>
        Effect.map(Effect.flip(Layer.build(ClusterRunner.layer(options))), (error) =>
          error._tag === "ClusterRepeaterConfigError" ? [error.field, error.value] : [error._tag, error])
      assert.deepStrictEqual(yield* failure(untyped(null)), ["options", null])
      assert.deepStrictEqual(yield* failure(untyped({ storage: { sqllite: "x.db" }, port: 40001 })), [
        "storage.sqllite",
        "x.db"
      ])
      assert.deepStrictEqual(yield* failure(untyped({ storage: { pg: { hots: "db" } }, port: 40001 })), [
        "storage.pg.hots",
        "db"
      ])
      assert.deepStrictEqual(yield* failure({ storage: { pg: { connectTimeout: "1 nanos" } }, port: 40001 }), [
        "storage.pg.connectTimeout",
        "1 nanos"
      ])
    }))
})
