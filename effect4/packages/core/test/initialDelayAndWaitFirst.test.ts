import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { advanceTo, makeProbe, nextRunMillis } from "./support/probe.js"

describe("initialDelay and waitFirst", () => {
  it.effect("by default the first run starts at once", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "default", every: "1 hour" })
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("initialDelay 0 starts the first run at once", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "zero", every: "10 seconds", initialDelay: 0 })
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0])
      yield* advanceTo(10_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("initialDelay: the first run starts after the delay, the next ones every period after each end", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 2_000 })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "delayed", every: "10 seconds", initialDelay: "5 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [])
      assert.strictEqual(nextRunMillis(yield* handle.status), 5_000)
      yield* advanceTo(4_999)
      assert.deepStrictEqual(probe.starts, [])
      yield* advanceTo(30_000)
      assert.deepStrictEqual(probe.starts, [5_000, 17_000, 29_000])
      yield* advanceTo(31_000)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("initialDelay counts from the moment the repeater is forked", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000_000)
      const probe = makeProbe()
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "late", every: "10 seconds", initialDelay: "5 seconds" }
      )
      yield* advanceTo(1_025_000)
      assert.deepStrictEqual(probe.starts, [1_005_000, 1_015_000, 1_025_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("waitFirst: true waits one period before the first run", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 1_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "wait", every: "10 seconds", waitFirst: true })
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(nextRunMillis(yield* handle.status), 10_000)
      yield* advanceTo(9_999)
      assert.deepStrictEqual(probe.starts, [])
      yield* advanceTo(35_000)
      assert.deepStrictEqual(probe.starts, [10_000, 21_000, 32_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("waitFirst with a schedule waits for the schedule's first step, as Effect.schedule does", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const reference = makeProbe()
      const schedule = Schedule.exponential("1 second")
      const handle = yield* Repeater.fork(probe.task, { name: "exp", schedule, waitFirst: true })
      yield* Effect.forkChild(Effect.schedule(reference.task, schedule))
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [])
      assert.strictEqual(nextRunMillis(yield* handle.status), 1_000)
      yield* advanceTo(20_000)
      // delays 1, 2, 4, 8 s: the first one is waited before the first run
      assert.deepStrictEqual(probe.starts, [1_000, 3_000, 7_000, 15_000])
      assert.deepStrictEqual(probe.starts, reference.starts)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("without waitFirst a schedule's first run is at once, then as Effect.repeat does", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const reference = makeProbe()
      const schedule = Schedule.exponential("1 second")
      const handle = yield* Repeater.fork(probe.task, { name: "exp", schedule })
      yield* Effect.forkChild(Effect.repeat(reference.task, schedule))
      yield* advanceTo(10_000)
      assert.deepStrictEqual(probe.starts, [0, 1_000, 3_000, 7_000])
      assert.deepStrictEqual(probe.starts, reference.starts)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("initialDelay with a schedule: the first run after the delay, then the schedule's steps", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "spaced", schedule: Schedule.spaced("10 seconds"), initialDelay: "5 seconds" }
      )
      yield* advanceTo(4_999)
      assert.deepStrictEqual(probe.starts, [])
      yield* advanceTo(30_000)
      assert.deepStrictEqual(probe.starts, [5_000, 15_000, 25_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})
