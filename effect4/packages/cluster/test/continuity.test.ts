import { assert, describe, it } from "@effect/vitest"
import type { RunnerEvent } from "./support/processes.js"
import { checkContinuity, type RunnerRecord } from "./support/scenario.js"

const T = 1_800_000_000_000
const run = (pid: number, scheduledAt: number, catchUp = false, at = scheduledAt + 5): RunnerEvent => ({
  event: "run",
  pid,
  at,
  scheduledAt,
  catchUp
})
const skipped = (pid: number, scheduledAt: number, count: number, at: number): RunnerEvent => ({
  event: "skipped",
  pid,
  at,
  scheduledAt,
  count
})
/** Took hold at `at`, planning its first regular tick at the next whole second. */
const holding = (pid: number, at: number): RunnerEvent => ({
  event: "holding",
  pid,
  at,
  nextTick: T + Math.ceil((at - T + 1) / 1000) * 1000
})

describe("checkContinuity", () => {
  it("one holder, one run a second: no problem", () => {
    const runner: RunnerRecord = { pid: 1, events: [holding(1, T - 10), run(1, T), run(1, T + 1000), run(1, T + 2000)] }
    assert.deepStrictEqual(checkContinuity([runner], 1000, "runOnce"), [])
  })

  it("a gap the holder reported as skipped by the overrun rule: no problem", () => {
    const runner: RunnerRecord = {
      pid: 1,
      events: [holding(1, T - 10), run(1, T), skipped(1, T + 1000, 2, T + 3100), run(1, T + 3000), run(1, T + 4000)]
    }
    assert.deepStrictEqual(checkContinuity([runner], 1000, "runOnce"), [])
  })

  it("a gap without reported skips is a lost tick", () => {
    const runner: RunnerRecord = { pid: 1, events: [holding(1, T - 10), run(1, T), run(1, T + 2000)] }
    assert.deepStrictEqual(checkContinuity([runner], 1000, "runOnce"), [
      `pid 1 lost 1 tick(s) before ${T + 2000} (not all reported as skipped)`
    ])
  })

  it("a gap only partly reported as skipped, or skips reported by another runner: lost ticks", () => {
    const partly: RunnerRecord = {
      pid: 1,
      events: [holding(1, T - 10), run(1, T), skipped(1, T + 1000, 1, T + 3100), run(1, T + 3000)]
    }
    assert.strictEqual(checkContinuity([partly], 1000, "runOnce").length, 1)
    const holder: RunnerRecord = { pid: 1, events: [holding(1, T - 10), run(1, T), run(1, T + 2000)] }
    const other: RunnerRecord = { pid: 2, events: [skipped(2, T + 1000, 1, T + 2100)] }
    assert.strictEqual(checkContinuity([holder, other], 1000, "runOnce").length, 1)
  })

  it("a tick run twice, across runners: a problem even with reported skips", () => {
    const a: RunnerRecord = { pid: 1, events: [holding(1, T - 10), run(1, T), run(1, T + 1000)] }
    const b: RunnerRecord = { pid: 2, events: [holding(2, T + 900), skipped(2, T, 1, T + 950), run(2, T + 1000)] }
    assert.deepStrictEqual(checkContinuity([a, b], 1000, "runOnce"), [`tick ${T + 1000} run twice (pids 1, 2)`])
  })

  it("a takeover with runOnce: the latest missed tick caught up once", () => {
    const a: RunnerRecord = { pid: 1, events: [holding(1, T - 10), run(1, T)] }
    const b: RunnerRecord = {
      pid: 2,
      events: [holding(2, T + 3500), run(2, T + 3000, true, T + 3510), run(2, T + 4000)]
    }
    assert.deepStrictEqual(checkContinuity([a, b], 1000, "runOnce"), [])
    const noCatchUp: RunnerRecord = { pid: 2, events: [holding(2, T + 3500), run(2, T + 4000)] }
    assert.deepStrictEqual(checkContinuity([a, noCatchUp], 1000, "runOnce"), [
      `takeover at ${T + 4000}: missed ticks, no catch-up run`,
      `catch-up ${T + 4000} is not the latest tick missed before ${T + 4000}`
    ])
    const notLatest: RunnerRecord = { pid: 2, events: [holding(2, T + 3500), run(2, T + 2000, true, T + 3510)] }
    assert.deepStrictEqual(checkContinuity([a, notLatest], 1000, "runOnce"), [
      `catch-up ${T + 2000} is not the latest tick missed before ${T + 4000}`
    ])
  })

  it("a takeover with skip: the first tick the new holder planned, no catch-up", () => {
    const a: RunnerRecord = { pid: 1, events: [holding(1, T - 10), run(1, T)] }
    const b: RunnerRecord = { pid: 2, events: [holding(2, T + 3500), run(2, T + 4000)] }
    assert.deepStrictEqual(checkContinuity([a, b], 1000, "skip"), [])
    const late: RunnerRecord = { pid: 2, events: [holding(2, T + 3500), run(2, T + 5000)] }
    assert.deepStrictEqual(checkContinuity([a, late], 1000, "skip"), [
      `first tick ${T + 5000} after "skip" is not the next one, ${T + 4000}`
    ])
    const caughtUp: RunnerRecord = { pid: 2, events: [holding(2, T + 3500), run(2, T + 3000, true, T + 3510)] }
    assert.deepStrictEqual(checkContinuity([a, caughtUp], 1000, "skip"), [
      `takeover at ${T + 3000}: a catch-up with "skip"`,
      `first tick ${T + 3000} after "skip" is not the next one, ${T + 4000}`
    ])
  })

  it("a runner that loses the singleton and takes hold of it again: checked as a takeover", () => {
    // its shard locks lost (storage too slow under load) while nobody else took it: 2 ticks missed, caught up once
    const again: RunnerRecord = {
      pid: 1,
      events: [holding(1, T - 10), run(1, T), holding(1, T + 3500), run(1, T + 3000, true, T + 3510), run(1, T + 4000)]
    }
    assert.deepStrictEqual(checkContinuity([again], 1000, "runOnce"), [])
    const noCatchUp: RunnerRecord = {
      pid: 1,
      events: [holding(1, T - 10), run(1, T), holding(1, T + 3500), run(1, T + 4000)]
    }
    assert.deepStrictEqual(checkContinuity([noCatchUp], 1000, "runOnce"), [
      `takeover at ${T + 4000}: missed ticks, no catch-up run`,
      `catch-up ${T + 4000} is not the latest tick missed before ${T + 4000}`
    ])
    // without taking hold again, the same gap is a loss
    const lost: RunnerRecord = { pid: 1, events: [holding(1, T - 10), run(1, T), run(1, T + 3000)] }
    assert.deepStrictEqual(checkContinuity([lost], 1000, "runOnce"), [
      `pid 1 lost 2 tick(s) before ${T + 3000} (not all reported as skipped)`
    ])
  })

  it("a runner that runs a tick without taking hold first: a problem", () => {
    const a: RunnerRecord = { pid: 1, events: [holding(1, T - 10), run(1, T)] }
    const b: RunnerRecord = { pid: 2, events: [run(2, T + 1000)] }
    assert.deepStrictEqual(checkContinuity([a, b], 1000, "runOnce"), [
      `pid 2 ran ${T + 1000} without taking hold first`
    ])
  })
})
