/**
 * A run's timeout longer than a JavaScript timer can hold (2^31 - 1 ms, about
 * 24.9 days). Effect 4's default Clock makes such a sleep of shorter timers
 * (core's long waits are tested on it with fake timers); here, on TestClock,
 * the cluster repeater's run ends at the right virtual time, its end recorded
 * in the durable state.
 */
import { ClusterRepeater } from "@effect-repeater/cluster"
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as MessageStorage from "effect/cluster/MessageStorage"
import * as RunnerHealth from "effect/cluster/RunnerHealth"
import * as Runners from "effect/cluster/Runners"
import * as RunnerStorage from "effect/cluster/RunnerStorage"
import * as Sharding from "effect/cluster/Sharding"
import * as ShardingConfig from "effect/cluster/ShardingConfig"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import { settle } from "./support/settle.js"
import * as NodeSqlite from "./support/sqlite.js"

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

/** Real SQLite (Node's `node:sqlite`) in a fresh folder per test. */
const Sqlite = NodeSqlite.layer()

/**
 * An in-memory runner as `TestRunner.layer`, whose own periodic work (lock
 * refresh, polls) wakes every 20 days instead of every few seconds, so that
 * TestClock can move a year ahead.
 */
const QuietRunner = Sharding.layer.pipe(
  Layer.provideMerge(Runners.layerNoop),
  Layer.provideMerge(MessageStorage.layerMemory),
  Layer.provide([RunnerStorage.layerMemory, RunnerHealth.layerNoop]),
  Layer.provide(ShardingConfig.layer({
    shardLockRefreshInterval: "20 days",
    shardLockExpiration: "60 days",
    entityMessagePollInterval: "20 days",
    refreshAssignmentsInterval: "20 days",
    runnerHealthCheckInterval: "20 days"
  }))
)

describe("a cluster repeater's timeout longer than a timer can hold", () => {
  for (const days of [25, 30, 365]) {
    it.effect(`a timeout of ${days} days ends the run ${days} days after it started`, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(T0)
        const starts: Array<number> = []
        const ends: Array<number> = []
        const now = Clock.currentTimeMillis
        const Hung = ClusterRepeater.layer(
          Effect.andThen(
            Effect.flatMap(now, (at) => Effect.sync(() => starts.push(at))),
            Effect.onInterrupt(Effect.never, () => Effect.flatMap(now, (at) => Effect.sync(() => ends.push(at))))
          ),
          { name: `hung-${days}`, every: "1000 days", onError: "stop", timeout: `${days} days` }
        )
        const scope = yield* Scope.make()
        yield* Layer.buildWithScope(Layer.provide(Hung, QuietRunner), scope)
        yield* settle
        yield* TestClock.adjust("0 millis")
        assert.deepStrictEqual(starts, [T0])

        yield* TestClock.adjust(Duration.millis(days * DAY - 1000))
        assert.deepStrictEqual(ends, [])
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(ends, [T0 + days * DAY])
        yield* TestClock.adjust("0 millis")
        const status = yield* ClusterRepeater.status(`hung-${days}`)
        assert.deepStrictEqual(status.ended, Option.some("failed"))
        assert.deepStrictEqual(status.lastOutcome, Option.some("failure"))
        yield* Scope.close(scope, Exit.void)
      }).pipe(Effect.provide(Sqlite)))
  }
})
