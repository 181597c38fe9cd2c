import { ClusterRunner } from "@effect-repeater/cluster"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/** Storage settings that are never connected to: these tests read the settings only. */
const pg = { pg: {} }

describe("ClusterRunner settings", () => {
  it.effect("the defaults: fast-takeover timings, 30 shards per group, the address on 127.0.0.1", () =>
    Effect.gen(function*() {
      const config = yield* ClusterRunner.shardingConfig({ storage: pg, port: 40001 })
      assert.deepStrictEqual(config.shardLockRefreshInterval, Duration.seconds(1))
      assert.deepStrictEqual(config.shardLockExpiration, Duration.seconds(3))
      assert.deepStrictEqual(config.refreshAssignmentsInterval, Duration.millis(500))
      assert.deepStrictEqual(config.runnerHealthCheckInterval, Duration.seconds(2))
      assert.deepStrictEqual(config.entityMessagePollInterval, Duration.seconds(1))
      const address = Option.getOrThrow(config.runnerAddress!)
      assert.deepStrictEqual([address.host, address.port], ["127.0.0.1", 40001])
      // not effect/cluster's 300: each shard a runner loses is released with its own statements on PostgreSQL's one
      // shard-lock connection, ahead of the lock refresh (docs/benchmarks.md, "Cluster faults")
      assert.strictEqual(config.shardsPerGroup, 30)
      assert.strictEqual(ClusterRunner.defaultShardsPerGroup, 30)
    }))

  it.effect("timings, host and shards are taken as given; shardingConfig wins", () =>
    Effect.gen(function*() {
      const config = yield* ClusterRunner.shardingConfig({
        storage: pg,
        port: 40001,
        host: "10.0.0.5",
        listenHost: "0.0.0.0",
        shardsPerGroup: 120,
        timings: { lockRefresh: "500 millis", lockExpiration: "2 seconds" },
        shardingConfig: { refreshAssignmentsInterval: Duration.millis(250) }
      })
      assert.deepStrictEqual(config.shardLockRefreshInterval, Duration.millis(500))
      assert.deepStrictEqual(config.shardLockExpiration, Duration.seconds(2))
      assert.deepStrictEqual(config.refreshAssignmentsInterval, Duration.millis(250))
      assert.strictEqual(config.shardsPerGroup, 120)
      assert.strictEqual(Option.getOrThrow(config.runnerAddress!).host, "10.0.0.5")
      assert.strictEqual(Option.getOrThrow(config.runnerListenAddress!).host, "0.0.0.0")
    }))

  it.effect("bad values fail with a ClusterRepeaterConfigError naming the option and the value", () =>
    Effect.gen(function*() {
      const port = yield* Effect.flip(ClusterRunner.shardingConfig({ storage: pg, port: 0 }))
      assert.deepStrictEqual([port.field, port.value], ["port", 0])
      const shards = yield* Effect.flip(ClusterRunner.shardingConfig({ storage: pg, port: 1, shardsPerGroup: 1.5 }))
      assert.deepStrictEqual([shards.field, shards.value], ["shardsPerGroup", 1.5])
      const timing = yield* Effect.flip(
        ClusterRunner.shardingConfig({ storage: pg, port: 1, timings: { healthCheck: "-1 second" } })
      )
      assert.deepStrictEqual([timing.field, timing.value], ["timings.healthCheck", "-1 second"])
      const expiry = yield* Effect.flip(
        ClusterRunner.shardingConfig({ storage: pg, port: 1, timings: { lockExpiration: "1 second" } })
      )
      assert.deepStrictEqual([expiry.field, expiry.value], ["timings.lockExpiration", "1 second"])
      // a lock refresh slower than the default expiry names the option that was given
      const refresh = yield* Effect.flip(
        ClusterRunner.shardingConfig({ storage: pg, port: 1, timings: { lockRefresh: "5 seconds" } })
      )
      assert.deepStrictEqual([refresh.field, refresh.value], ["timings.lockRefresh", "5 seconds"])
    }))

  it.effect("a storage or a host that cannot work fails the layer with a ClusterRepeaterConfigError, before anything starts", () =>
    Effect.gen(function*() {
      const failure = (options: ClusterRunner.ClusterRunnerOptions) =>
        Effect.map(
          Effect.flip(Layer.build(ClusterRunner.layer(options))),
          (error) => error._tag === "ClusterRepeaterConfigError" ? [error.field, error.value] : [error._tag, error]
        )
      // SQLite's in-memory and temporary databases are private to one process: every runner would be a cluster of its own
      // (and the Effect 4 line has no SQLite storage at all: any { sqlite } is refused, naming it)
      // @ts-expect-error: SQLite is not a storage of the Effect 4 line
      assert.deepStrictEqual(yield* failure({ storage: { sqlite: ":memory:" }, port: 40001 }), [
        "storage.sqlite",
        ":memory:"
      ])
      // @ts-expect-error: SQLite is not a storage of the Effect 4 line
      assert.deepStrictEqual(yield* failure({ storage: { sqlite: "" }, port: 40001 }), ["storage.sqlite", ""])
      const noStorage: unknown = {}
      assert.deepStrictEqual(
        // @ts-expect-error: not a storage
        yield* failure({ storage: noStorage, port: 40001 }),
        ["storage", noStorage]
      )
      assert.deepStrictEqual(yield* failure({ storage: pg, port: 40001, host: "" }), ["host", ""])
      assert.deepStrictEqual(yield* failure({ storage: pg, port: 40001, listenHost: "" }), ["listenHost", ""])
    }))
})
