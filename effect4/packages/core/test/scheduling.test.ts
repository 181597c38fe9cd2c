import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Random, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { settle } from "./support/effect3.js"
import { advanceTo, forkJoinTime, joinResult, makeProbe, nextRunMillis, now, type Probe } from "./support/probe.js"

// -----------------------------------------------------------------------------
// helpers
// -----------------------------------------------------------------------------

// -----------------------------------------------------------------------------
// delay mode
// -----------------------------------------------------------------------------

describe("delay mode (the default)", () => {
  it.effect("instant runs start every period after the previous one ended: 0, 10, 20, 30 s", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "delay", every: "10 seconds" })
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0])
      const status = yield* handle.status
      assert.strictEqual(status.state, "scheduled")
      assert.strictEqual(status.runs, 1)
      assert.strictEqual(nextRunMillis(status), 10_000)
      yield* advanceTo(9_999)
      assert.deepStrictEqual(probe.starts, [0])
      yield* advanceTo(35_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000, 30_000])
      assert.strictEqual((yield* handle.status).runs, 4)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("runs that take 2 s start 12 s apart: the period is counted from each run's end", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 2_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "delay", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      const running = yield* handle.status
      assert.strictEqual(running.state, "running")
      assert.isTrue(running.inFlight)
      assert.strictEqual(nextRunMillis(running), undefined)
      yield* advanceTo(2_000)
      assert.strictEqual(nextRunMillis(yield* handle.status), 12_000)
      yield* advanceTo(40_000)
      assert.deepStrictEqual(probe.starts, [0, 12_000, 24_000, 36_000])
      assert.deepStrictEqual(probe.ends, [2_000, 14_000, 26_000, 38_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that outlasts its interval never overlaps: 15 s runs every 10 s start at 0, 25, 50 s", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 15_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "long", every: "10 seconds", maxRepetitions: 3 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(24_999)
      assert.deepStrictEqual(probe.starts, [0])
      yield* advanceTo(25_000)
      assert.deepStrictEqual(probe.starts, [0, 25_000])
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 25_000, 50_000])
      assert.deepStrictEqual(probe.ends, [15_000, 40_000, 65_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      const status = yield* handle.status
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.skippedTicks, 0)
      assert.strictEqual(yield* joinResult(joined), 65_000)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a failed run is followed one period after it ended, like a successful one", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: (run) => run === 0 ? 3_000 : 0, fails: (run) => run === 0 })
      const handle = yield* Repeater.fork(probe.task, { name: "failing", every: "10 seconds" })
      yield* advanceTo(30_000)
      assert.deepStrictEqual(probe.starts, [0, 13_000, 23_000])
      const status = yield* handle.status
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.failures, 1)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// initialDelay and waitFirst
// -----------------------------------------------------------------------------

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

// -----------------------------------------------------------------------------
// schedule
// -----------------------------------------------------------------------------

describe("schedule option", () => {
  it.effect("Schedule.spaced(\"10 seconds\") with instant runs: 0, 10, 20, 30 s", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "spaced", schedule: Schedule.spaced("10 seconds") })
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0])
      assert.strictEqual(nextRunMillis(yield* handle.status), 10_000)
      yield* advanceTo(35_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000, 30_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("each delay is stepped after the run ended, as Effect.repeat does (spaced and fixed)", () =>
    Effect.gen(function*() {
      const spaced = makeProbe({ duration: () => 3_000 })
      const fixed = makeProbe({ duration: () => 3_000 })
      const spacedReference = makeProbe({ duration: () => 3_000 })
      const fixedReference = makeProbe({ duration: () => 3_000 })
      const a = yield* Repeater.fork(spaced.task, { name: "spaced", schedule: Schedule.spaced("10 seconds") })
      const b = yield* Repeater.fork(fixed.task, { name: "fixed", schedule: Schedule.fixed("10 seconds") })
      yield* Effect.forkChild(Effect.repeat(spacedReference.task, Schedule.spaced("10 seconds")))
      yield* Effect.forkChild(Effect.repeat(fixedReference.task, Schedule.fixed("10 seconds")))
      yield* advanceTo(47_000)
      assert.deepStrictEqual(spaced.starts, [0, 13_000, 26_000, 39_000])
      // Schedule.fixed anchors its grid at its first step, made when the first run ended (3 s)
      assert.deepStrictEqual(fixed.starts, [0, 13_000, 23_000, 33_000, 43_000])
      assert.deepStrictEqual(spaced.starts, spacedReference.starts)
      assert.deepStrictEqual(fixed.starts, fixedReference.starts)
      assert.strictEqual(spaced.maxConcurrent(), 1)
      assert.strictEqual(fixed.maxConcurrent(), 1)
      assert.strictEqual(yield* a.stop(), "idle")
      assert.strictEqual(yield* b.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a finite schedule (recurs(2) with spacing) completes the repeater after its last run", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 1_000 })
      const reference = makeProbe({ duration: () => 1_000 })
      const schedule = Schedule.max([Schedule.spaced("10 seconds"), Schedule.recurs(2)])
      const handle = yield* Repeater.fork(probe.task, { name: "finite", schedule })
      const joined = yield* forkJoinTime(handle)
      const referenceFiber = yield* Effect.forkChild(Effect.andThen(Effect.repeat(reference.task, schedule), now))
      yield* advanceTo(22_999)
      assert.strictEqual(yield* joinResult(joined), "pending")
      yield* advanceTo(23_000)
      assert.deepStrictEqual(probe.starts, [0, 11_000, 22_000])
      assert.deepStrictEqual(probe.starts, reference.starts)
      assert.strictEqual(yield* joinResult(joined), 23_000)
      assert.strictEqual(yield* joinResult(referenceFiber), 23_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(nextRunMillis(status), undefined)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 11_000, 22_000])
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Schedule.recurs(2) alone: three runs at once, then completed", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "recurs", schedule: Schedule.recurs(2) })
      const joined = yield* forkJoinTime(handle)
      yield* TestClock.adjust("0 millis")
      yield* settle
      assert.deepStrictEqual(probe.starts, [0, 0, 0])
      assert.strictEqual(yield* joinResult(joined), 0)
      assert.strictEqual((yield* handle.status).state, "completed")
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// maxRepetitions
// -----------------------------------------------------------------------------

describe("maxRepetitions", () => {
  it.effect("0: no run at all, join succeeds at once, state completed", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "none", every: "10 seconds", maxRepetitions: 0 })
      const joined = yield* forkJoinTime(handle)
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* joinResult(joined), 0)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 0)
      assert.strictEqual(nextRunMillis(status), undefined)
      yield* advanceTo(3_600_000)
      assert.deepStrictEqual(probe.starts, [])
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("1: one run, the repeater completes right when it ends", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 4_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "once", every: "10 seconds", maxRepetitions: 1 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(3_999)
      assert.strictEqual(yield* joinResult(joined), "pending")
      assert.strictEqual((yield* handle.status).state, "running")
      yield* advanceTo(4_000)
      assert.strictEqual(yield* joinResult(joined), 4_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 1)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("N: exactly N runs; completes right after the last run ends, not one period later", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 2_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "three", every: "10 seconds", maxRepetitions: 3 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(25_999)
      assert.deepStrictEqual(probe.starts, [0, 12_000, 24_000])
      assert.strictEqual(yield* joinResult(joined), "pending")
      yield* advanceTo(26_000)
      assert.strictEqual(yield* joinResult(joined), 26_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(nextRunMillis(status), undefined)
      yield* advanceTo(200_000)
      assert.deepStrictEqual(probe.starts, [0, 12_000, 24_000])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("failed runs count toward maxRepetitions", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ fails: (run) => run !== 1 })
      const handle = yield* Repeater.fork(probe.task, { name: "failing", every: "10 seconds", maxRepetitions: 3 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000, 20_000])
      assert.strictEqual(yield* joinResult(joined), 20_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "completed")
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.failures, 2)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("with a schedule: the repeater completes after N runs even though the schedule goes on", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "spaced", schedule: Schedule.spaced("10 seconds"), maxRepetitions: 2 }
      )
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 10_000])
      assert.strictEqual(yield* joinResult(joined), 10_000)
      assert.strictEqual((yield* handle.status).state, "completed")
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// runNow
// -----------------------------------------------------------------------------

describe("runNow", () => {
  it.effect("starts a run at once when idle; the next run is one period after it ended", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "now", every: "10 seconds" })
      yield* advanceTo(3_000)
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0, 3_000])
      assert.strictEqual(nextRunMillis(yield* handle.status), 13_000)
      yield* advanceTo(25_000)
      assert.deepStrictEqual(probe.starts, [0, 3_000, 13_000, 23_000])
      assert.strictEqual((yield* handle.status).runs, 4)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("while a run is in flight, several runNow calls coalesce into one run right after it", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 5_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "coalesce", every: "10 seconds" })
      yield* advanceTo(2_000)
      yield* handle.runNow
      yield* handle.runNow
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0])
      yield* advanceTo(5_000)
      assert.deepStrictEqual(probe.starts, [0, 5_000])
      yield* advanceTo(27_000)
      assert.deepStrictEqual(probe.starts, [0, 5_000, 20_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      const status = yield* handle.status
      assert.strictEqual(status.runs, 3)
      assert.strictEqual(status.state, "scheduled")
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("runNow while paused runs once and stays paused", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 1_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "paused", every: "10 seconds" })
      yield* advanceTo(5_000)
      yield* handle.pause
      yield* advanceTo(7_000)
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0, 7_000])
      assert.strictEqual((yield* handle.status).state, "paused")
      yield* advanceTo(8_000)
      const status = yield* handle.status
      assert.strictEqual(status.state, "paused")
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(nextRunMillis(status), undefined)
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 7_000])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("runNow while paused with a run in flight: one run right after it, still paused", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 4_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "paused", every: "10 seconds" })
      yield* advanceTo(1_000)
      yield* handle.pause
      yield* handle.runNow
      yield* handle.runNow
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 4_000])
      assert.strictEqual(probe.maxConcurrent(), 1)
      const status = yield* handle.status
      assert.strictEqual(status.state, "paused")
      assert.strictEqual(status.runs, 2)
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a runNow run counts toward maxRepetitions; runNow after the end does nothing", () =>
    Effect.gen(function*() {
      const probe = makeProbe()
      const handle = yield* Repeater.fork(probe.task, { name: "counted", every: "10 seconds", maxRepetitions: 2 })
      const joined = yield* forkJoinTime(handle)
      yield* advanceTo(3_000)
      yield* handle.runNow
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(probe.starts, [0, 3_000])
      assert.strictEqual(yield* joinResult(joined), 3_000)
      assert.strictEqual((yield* handle.status).state, "completed")
      yield* handle.runNow
      yield* advanceTo(100_000)
      assert.deepStrictEqual(probe.starts, [0, 3_000])
      assert.strictEqual((yield* handle.status).runs, 2)
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// pause and resume
// -----------------------------------------------------------------------------

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

// -----------------------------------------------------------------------------
// jitter (delay mode)
// -----------------------------------------------------------------------------

describe("jitter (delay mode)", () => {
  const every = 10_000
  const jitter = 2_000
  const runs = 300
  const duration = 1_000
  // the latest the last run can end: each run lasts `duration`, then waits at most every + jitter
  const window = Duration.millis(runs * (duration + every + jitter))

  /** Checks that each start falls in [end + every, end + every + jitter) of the previous run; returns the offsets. */
  const checkDelayBounds = (probe: Probe): Array<number> => {
    assert.strictEqual(probe.starts.length, runs)
    assert.isAtLeast(probe.starts[0], 0)
    assert.isBelow(probe.starts[0], jitter)
    const offsets: Array<number> = []
    for (let k = 1; k < runs; k++) {
      const earliest = probe.ends[k - 1] + every
      assert.isAtLeast(probe.starts[k], earliest, `run ${k}`)
      assert.isBelow(probe.starts[k], earliest + jitter, `run ${k}`)
      offsets.push(probe.starts[k] - earliest)
    }
    return offsets
  }

  it.effect("each start falls in [end + every, end + every + jitter), with a seeded Random", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => duration })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "jittered", every: "10 seconds", jitter: "2 seconds", maxRepetitions: runs }
      ).pipe(Random.withSeed(42))
      yield* TestClock.adjust(window)
      assert.strictEqual((yield* handle.status).state, "completed")
      const offsets = checkDelayBounds(probe)
      // the jitter is really random across the whole range, not a constant
      assert.isAbove(new Set(offsets).size, runs * 0.9)
      assert.isBelow(Math.min(...offsets), jitter * 0.1)
      assert.isAbove(Math.max(...offsets), jitter * 0.9)
      assert.strictEqual(probe.maxConcurrent(), 1)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("each start falls in [end + every, end + every + jitter), with the default Random", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => duration })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "jittered", every: "10 seconds", jitter: "2 seconds", maxRepetitions: runs }
      )
      yield* TestClock.adjust(window)
      assert.strictEqual((yield* handle.status).state, "completed")
      const offsets = checkDelayBounds(probe)
      assert.isAbove(new Set(offsets).size, 1)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("the same seed gives the same start times, another seed other ones", () =>
    Effect.gen(function*() {
      const options = { every: "10 seconds", jitter: "2 seconds", maxRepetitions: 20 } as const
      const a = makeProbe({ duration: () => duration })
      const b = makeProbe({ duration: () => duration })
      const c = makeProbe({ duration: () => duration })
      yield* Repeater.fork(a.task, { name: "a", ...options }).pipe(Random.withSeed(7))
      yield* Repeater.fork(b.task, { name: "b", ...options }).pipe(Random.withSeed(7))
      yield* Repeater.fork(c.task, { name: "c", ...options }).pipe(Random.withSeed(8))
      yield* TestClock.adjust("300 seconds")
      assert.strictEqual(a.starts.length, 20)
      assert.deepStrictEqual(b.starts, a.starts)
      assert.strictEqual(c.starts.length, 20)
      assert.notDeepEqual(c.starts, a.starts)
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))
})
