/**
 * A cron repeater taken over within the hour a zone's clock repeats when it goes back
 * (America/New_York at 2024-11-03T06:00:00Z: 02:00 EDT back to 01:00 EST). The walk with
 * `Cron.next` from before the change skips that hour. The new holder plans with the kernel's
 * `Takeover`, which follows the walk: it catches up the latest match missed, counts every match
 * missed, and names the first match after the takeover as its next tick.
 */
import { ClusterRepeater, CurrentTick } from "@effect-repeater/cluster"
import { assert, describe, it } from "@effect/vitest"
import * as TestRunner from "effect/cluster/TestRunner"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import { settle } from "./support/settle.js"
import * as NodeSqlite from "./support/sqlite.js"

/** Real SQLite (Node's `node:sqlite`) in a fresh folder per test. */
const Sqlite = NodeSqlite.layer()

const MINUTE = 60_000
const CHANGE = Date.parse("2024-11-03T06:00:00Z")

/** One in-memory runner holding the repeater, started in its own Scope (a process's lifetime). */
const startRunner = <A, E, R>(layer: Layer.Layer<A, E, R>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    yield* Layer.buildWithScope(Layer.provide(layer, TestRunner.layer), scope)
    yield* settle
    return scope
  })

describe("a cron repeater taken over where its zone's clock goes back (TestRunner, real SQLite, TestClock)", () => {
  it.effect("taken over within the repeated hour: the latest missed match runs once, every missed match is counted, the next tick is the first match after the takeover", () =>
    Effect.gen(function*() {
      const messages: Array<string> = []
      const Capture = Logger.layer([Logger.make(({ message }) => {
        messages.push(Array.isArray(message) ? message.join(" ") : globalThis.String(message))
      })])
      const ticks: Array<[string, boolean]> = []
      const job = Effect.flatMap(
        CurrentTick,
        (tick) =>
          Effect.sync(() =>
            ticks.push([new Date(DateTime.toEpochMillis(tick.scheduledAt)).toISOString(), tick.catchUp])
          )
      )
      const Quarterly = ClusterRepeater.layer(
        job,
        { name: "quarterly", cron: "*/15 * * * *", timeZone: "America/New_York", missed: "runOnce" }
      )
      // a second before 01:00 EDT: the first holder runs the match of 01:00 EDT, then its process ends
      yield* TestClock.setTime(CHANGE - 60 * MINUTE - 1_000)
      const first = yield* startRunner(Quarterly)
      yield* TestClock.adjust("0 millis")
      yield* TestClock.adjust("1 second")
      yield* Scope.close(first, Exit.void)
      // 01:20 EST, within the repeated hour: 01:15, 01:30 and 01:45 EDT were missed; the next match is 02:00 EST
      yield* TestClock.setTime(CHANGE + 20 * MINUTE)
      const second = yield* startRunner(Quarterly).pipe(Effect.provide(Capture))
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(ticks, [["2024-11-03T05:00:00.000Z", false], ["2024-11-03T05:45:00.000Z", true]])
      const held = messages.find((message) => message.includes("is now held by"))
      assert.isDefined(held, JSON.stringify(messages))
      assert.include(held, "next tick at 2024-11-03T07:00:00.000Z")
      assert.include(held, "3 tick(s) missed")
      assert.include(held, "running the tick of 2024-11-03T05:45:00.000Z at once")
      yield* Scope.close(second, Exit.void)
    }).pipe(Effect.provide(Sqlite)))
})
