/**
 * The runner's timings and the PostgreSQL driver's durations are waited on with plain timers by
 * `@effect/cluster` and the driver: longer than a timer can hold (2^31 - 1 ms, about 24.8 days) is refused
 * when the runner is configured, never left to fire at once or never.
 */
import { ClusterRunner } from "@effect-repeater/cluster"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

/** Storage settings that are never connected to: these tests read the settings only. */
const pg = { pg: {} }
const TIMER_LIMIT_MILLIS = 2 ** 31 - 1

describe("ClusterRunner timings longer than a timer can hold", () => {
  for (const days of [25, 30, 365]) {
    it.effect(`timings.healthCheck of ${days} days is refused, naming the option and the value`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          ClusterRunner.shardingConfig({ storage: pg, port: 1, timings: { healthCheck: `${days} days` } })
        )
        assert.strictEqual(error._tag, "ClusterRepeaterConfigError")
        assert.deepStrictEqual([error.field, error.value], ["timings.healthCheck", `${days} days`])
      }))
  }

  it.effect("every timing is held to the limit, and the limit itself is accepted", () =>
    Effect.gen(function*() {
      for (const field of ["refreshAssignments", "healthCheck", "messagePoll"] as const) {
        const error = yield* Effect.flip(
          ClusterRunner.shardingConfig({
            storage: pg,
            port: 1,
            timings: { [field]: Duration.millis(TIMER_LIMIT_MILLIS + 1) }
          })
        )
        assert.strictEqual(error.field, `timings.${field}`)
      }
      const config = yield* ClusterRunner.shardingConfig({
        storage: pg,
        port: 1,
        timings: { healthCheck: Duration.millis(TIMER_LIMIT_MILLIS) }
      })
      assert.deepStrictEqual(config.runnerHealthCheckInterval, Duration.millis(TIMER_LIMIT_MILLIS))
    }))
})
