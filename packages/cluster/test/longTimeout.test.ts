/**
 * A run's timeout longer than a JavaScript timer can hold (2^31 - 1 ms, about
 * 24.9 days). Effect 3's default Clock treats such a sleep as infinite: it
 * never fires. TestClock has no such limit, so these tests run on TestClock
 * behind a Clock that keeps the default Clock's limit: a timeout that sleeps
 * once for its whole length never fires there, one made of shorter waits (as
 * core's run policy does) fires at the right virtual time.
 */
import { ClusterRepeater } from "@effect-repeater/cluster"
import { TimerLimitClock } from "@effect-repeater/testkit"
import * as MessageStorage from "@effect/cluster/MessageStorage"
import * as RunnerHealth from "@effect/cluster/RunnerHealth"
import * as Runners from "@effect/cluster/Runners"
import * as RunnerStorage from "@effect/cluster/RunnerStorage"
import * as Sharding from "@effect/cluster/Sharding"
import * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const DAY = 86_400_000
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

const Sqlite = Layer.unwrapScoped(Effect.map(
  Effect.acquireRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "cluster-long-timeout-"))),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  ),
  (dir) => SqliteClient.layer({ filename: join(dir, "state.db") })
))

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
    it.scoped(`a timeout of ${days} days ends the run ${days} days after it started`, () =>
      Effect.gen(function*() {
        const testClock = yield* TestClock.testClockWith(Effect.succeed)
        yield* testClock.setTime(T0)
        yield* Effect.gen(function*() {
          const starts: Array<number> = []
          const ends: Array<number> = []
          const Hung = ClusterRepeater.layer(
            Effect.zipRight(
              Effect.sync(() => starts.push(testClock.unsafeCurrentTimeMillis())),
              Effect.onInterrupt(Effect.never, () => Effect.sync(() => ends.push(testClock.unsafeCurrentTimeMillis())))
            ),
            { name: `hung-${days}`, every: "1000 days", onError: "stop", timeout: `${days} days` }
          )
          const scope = yield* Scope.make()
          yield* Layer.buildWithScope(Layer.provide(Hung, QuietRunner), scope)
          yield* testClock.adjust("0 millis")
          assert.deepStrictEqual(starts, [T0])

          yield* testClock.adjust(Duration.millis(days * DAY - 1000))
          assert.deepStrictEqual(ends, [])
          yield* testClock.adjust("1 second")
          assert.deepStrictEqual(ends, [T0 + days * DAY])
          yield* testClock.adjust("0 millis")
          const status = yield* ClusterRepeater.status(`hung-${days}`)
          assert.deepStrictEqual(status.ended, Option.some("failed"))
          assert.deepStrictEqual(status.lastOutcome, Option.some("failure"))
          yield* Scope.close(scope, Exit.void)
        }).pipe(Effect.withClock(TimerLimitClock.withTimerLimit(testClock)))
      }).pipe(Effect.provide(Sqlite)))
  }
})
