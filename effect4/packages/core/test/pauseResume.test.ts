import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { advanceTo, makeProbe, nextRunMillis } from "./support/probe.js"

describe("rate mode: pause and resume", () => {
  it.effect("no runs while paused; resume continues at the next grid tick, missed ticks dropped and not counted", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* advanceTo(5_000)
      yield* handle.pause
      assert.strictEqual((yield* handle.status).state, "paused")
      yield* advanceTo(47_000)
      assert.deepStrictEqual(probe.starts, [0])
      yield* handle.resume
      yield* TestClock.adjust("0 millis")
      // ticks 10 to 40 s fell due while paused: none of them is run at resume
      assert.deepStrictEqual(probe.starts, [0])
      const resumed = yield* handle.status
      assert.strictEqual(resumed.state, "scheduled")
      assert.strictEqual(nextRunMillis(resumed), 50_000)
      yield* advanceTo(70_000)
      assert.deepStrictEqual(probe.starts, [0, 50_000, 60_000, 70_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("resume after runNow while paused: back on the grid at the next tick", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* advanceTo(5_000)
      yield* handle.pause
      yield* advanceTo(7_000)
      yield* handle.runNow
      yield* advanceTo(47_000)
      yield* handle.resume
      yield* advanceTo(60_000)
      assert.deepStrictEqual(probe.starts, [0, 7_000, 50_000, 60_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a runNow run while paused that spans ticks: they are dropped, not skipped, and nothing runs at once", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: (run) => (run === 1 ? 25_000 : 0) })
      const handle = yield* Repeater.fork(probe.task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* advanceTo(5_000)
      yield* handle.pause
      yield* advanceTo(7_000)
      yield* handle.runNow
      // the manual run lasts 7 → 32 s: ticks 10, 20 and 30 s fall due while paused
      yield* advanceTo(47_000)
      assert.deepStrictEqual(probe.starts, [0, 7_000])
      assert.deepStrictEqual(probe.ends, [0, 32_000])
      const paused = yield* handle.status
      assert.strictEqual(paused.state, "paused")
      assert.strictEqual(paused.skippedTicks, 0)
      yield* handle.resume
      yield* advanceTo(60_000)
      assert.deepStrictEqual(probe.starts, [0, 7_000, 50_000, 60_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("resume before the next tick fell due keeps that tick", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", initialDelay: "3 seconds" }
      )
      yield* advanceTo(5_000)
      yield* handle.pause
      yield* advanceTo(12_000)
      yield* handle.resume
      assert.strictEqual(nextRunMillis(yield* handle.status), 13_000)
      yield* advanceTo(23_000)
      assert.deepStrictEqual(probe.starts, [3_000, 13_000, 23_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("pause during a run: the run finishes, then nothing until resume, which keeps the grid", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 5_000 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "rate", every: "10 seconds", mode: "rate", initialDelay: "3 seconds" }
      )
      yield* advanceTo(5_000)
      yield* handle.pause
      yield* advanceTo(8_000)
      assert.strictEqual((yield* handle.status).runs, 1)
      yield* advanceTo(47_000)
      assert.deepStrictEqual(probe.starts, [3_000])
      yield* handle.resume
      yield* advanceTo(64_000)
      assert.deepStrictEqual(probe.starts, [3_000, 53_000, 63_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      yield* advanceTo(68_000)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("pause and resume (delay mode)", () => {
  it.effect("no runs while paused; resume drops the missed runs (no burst) and waits one full period", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "pausing", every: "10 seconds" })
      yield* advanceTo(5_000)
      yield* handle.pause
      const paused = yield* handle.status
      assert.strictEqual(paused.state, "paused")
      assert.strictEqual(nextRunMillis(paused), undefined)
      yield* advanceTo(47_000)
      assert.deepStrictEqual(probe.starts, [0])
      yield* handle.resume
      yield* TestClock.adjust("0 millis")
      // the run due at 10 s fell due while paused: it is dropped, not caught up
      assert.deepStrictEqual(probe.starts, [0])
      const resumed = yield* handle.status
      assert.strictEqual(resumed.state, "scheduled")
      assert.strictEqual(nextRunMillis(resumed), 57_000)
      yield* advanceTo(80_000)
      assert.deepStrictEqual(probe.starts, [0, 57_000, 67_000, 77_000])
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("resume before the next run fell due keeps that run at its time", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "pausing", every: "10 seconds" })
      yield* advanceTo(5_000)
      yield* handle.pause
      yield* advanceTo(8_000)
      yield* handle.resume
      assert.strictEqual(nextRunMillis(yield* handle.status), 10_000)
      yield* advanceTo(20_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("pause during a run: the run finishes, nothing follows until resume", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 5_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "pausing", every: "10 seconds" })
      yield* advanceTo(2_000)
      yield* handle.pause
      const during = yield* handle.status
      assert.strictEqual(during.state, "paused")
      assert.isTrue(during.inFlight)
      yield* advanceTo(5_000)
      const after = yield* handle.status
      assert.strictEqual(after.runs, 1)
      assert.isFalse(after.inFlight)
      assert.strictEqual(nextRunMillis(after), undefined)
      yield* advanceTo(30_000)
      assert.deepStrictEqual(probe.starts, [0])
      yield* handle.resume
      yield* advanceTo(60_000)
      assert.deepStrictEqual(probe.starts, [0, 40_000, 55_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("with a schedule: resume drops the missed run and waits the last stepped delay", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "pausing", schedule: Schedule.spaced("10 seconds") })
      yield* advanceTo(5_000)
      yield* handle.pause
      yield* advanceTo(47_000)
      yield* handle.resume
      yield* advanceTo(70_000)
      assert.deepStrictEqual(probe.starts, [0, 57_000, 67_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})
