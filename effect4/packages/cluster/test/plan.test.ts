import type { RepeaterOptions } from "@effect-repeater/core/Repeater"
import * as RepeaterTiming from "@effect-repeater/core/RepeaterTiming"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { onGrid, planFirstStart, planTakeover, skippedBetween } from "../src/internal/plan.js"

/** The timing core reads from the options: what a cluster repeater plans with. */
const timingOf = (options: RepeaterOptions): RepeaterTiming.RepeaterTiming =>
  Effect.runSync(RepeaterTiming.decode(options))

const rate = timingOf({ name: "rate", every: 1000, mode: "rate" })
const delay = timingOf({ name: "delay", every: 1000 })
const hourly = timingOf({ name: "hourly", cron: "0 * * * *", timeZone: "UTC" })
const schedule = timingOf({ name: "schedule", schedule: Schedule.spaced("1 second") })
const HOUR = 3_600_000
const t0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const none = { lastScheduled: undefined, lastStarted: undefined, lastFinished: undefined }

describe("where a new holder picks up the schedule", () => {
  it("rate mode, no tick missed: waits for the next tick of the stored grid", () => {
    const plan = planTakeover(rate, { ...none, lastScheduled: 10_000 }, "runOnce", 10_400)
    assert.deepStrictEqual(plan, { initialDelayMillis: 600, firstDue: 11_000, catchUp: undefined, missed: 0 })
  })

  it("rate mode, ticks missed, runOnce: the latest missed tick at once, then the grid goes on", () => {
    // last tick 10 000; 11 000, 12 000 and 13 000 fell due while nobody held it
    const plan = planTakeover(rate, { ...none, lastScheduled: 10_000 }, "runOnce", 13_250)
    assert.deepStrictEqual(plan, { initialDelayMillis: 750, firstDue: 14_000, catchUp: 13_000, missed: 3 })
  })

  it("rate mode, ticks missed, skip: none of them, the next tick of the grid", () => {
    const plan = planTakeover(rate, { ...none, lastScheduled: 10_000 }, "skip", 13_250)
    assert.deepStrictEqual(plan, { initialDelayMillis: 750, firstDue: 14_000, catchUp: undefined, missed: 3 })
  })

  it("a tick due exactly now counts as missed", () => {
    const plan = planTakeover(rate, { ...none, lastScheduled: 10_000 }, "runOnce", 11_000)
    assert.deepStrictEqual(plan, { initialDelayMillis: 1000, firstDue: 12_000, catchUp: 11_000, missed: 1 })
  })

  it("delay mode: every after the end of the last run; a run that never finished counts from its start", () => {
    const finished = planTakeover(
      delay,
      { lastScheduled: 10_000, lastStarted: 10_005, lastFinished: 10_300 },
      "runOnce",
      10_500
    )
    assert.deepStrictEqual(finished, { initialDelayMillis: 800, firstDue: 11_300, catchUp: undefined, missed: 0 })
    const abandoned = planTakeover(
      delay,
      { lastScheduled: 10_000, lastStarted: 10_005, lastFinished: undefined },
      "runOnce",
      10_500
    )
    assert.strictEqual(abandoned.firstDue, 11_005)
  })

  it("an hourly cron restarted before its next match runs nothing early (a deploy is not a tick)", () => {
    const plan = planTakeover(hourly, { ...none, lastScheduled: t0 }, "runOnce", t0 + 20 * 60_000)
    assert.deepStrictEqual(plan, { initialDelayMillis: 0, firstDue: t0 + HOUR, catchUp: undefined, missed: 0 })
  })

  it("an hourly cron that missed matches: the latest once with runOnce, none with skip", () => {
    const now = t0 + 3 * HOUR + 5 * 60_000
    const runOnce = planTakeover(hourly, { ...none, lastScheduled: t0 }, "runOnce", now)
    assert.deepStrictEqual(runOnce, {
      initialDelayMillis: 0,
      firstDue: t0 + 4 * HOUR,
      catchUp: t0 + 3 * HOUR,
      missed: 3
    })
    const skip = planTakeover(hourly, { ...none, lastScheduled: t0 }, "skip", now)
    assert.deepStrictEqual(skip, { initialDelayMillis: 0, firstDue: t0 + 4 * HOUR, catchUp: undefined, missed: 3 })
  })

  it("a frequent cron after a long outage: the latest missed match is caught up, every missed match counted", () => {
    const everySecond = timingOf({ name: "everySecond", cron: "* * * * * *", timeZone: "UTC" })
    // down for two days: 172 800 matches missed
    const plan = planTakeover(everySecond, { ...none, lastScheduled: t0 - 48 * HOUR }, "runOnce", t0 + 500)
    assert.strictEqual(plan.catchUp, t0)
    assert.strictEqual(plan.firstDue, t0 + 1000)
    assert.strictEqual(plan.missed, 172_800)
    const skip = planTakeover(everySecond, { ...none, lastScheduled: t0 - 48 * HOUR }, "skip", t0 + 500)
    assert.deepStrictEqual([skip.catchUp, skip.firstDue], [undefined, t0 + 1000])
  })

  it("a Schedule starts over with its own options", () => {
    const plan = planTakeover(schedule, { ...none, lastScheduled: 10_000 }, "runOnce", 50_000)
    assert.strictEqual(plan.initialDelayMillis, undefined)
    assert.strictEqual(plan.catchUp, undefined)
  })

  it("the first start anywhere follows core's first-run rule: initialDelay or waitFirst anchors the rate grid", () => {
    const delayed = timingOf({ name: "rate", every: 1000, mode: "rate", initialDelay: 250 })
    assert.deepStrictEqual(planFirstStart(delayed, 10_000), {
      initialDelayMillis: 250,
      firstDue: 10_250,
      catchUp: undefined,
      missed: 0
    })
    const waiting = timingOf({ name: "rate", every: 1000, mode: "rate", waitFirst: true })
    assert.strictEqual(planFirstStart(waiting, 10_000).firstDue, 11_000)
    assert.strictEqual(planFirstStart(rate, 10_000).firstDue, 10_000)
    assert.strictEqual(planFirstStart(hourly, 10_000).initialDelayMillis, undefined)
    assert.strictEqual(planFirstStart(schedule, 10_000).initialDelayMillis, undefined)
  })
})

describe("which tick of the durable rate grid a run stands for", () => {
  it("core's tick, named on the grid planned from the stored state (core's starts a few ms later)", () => {
    assert.strictEqual(onGrid(10_000, 1000, 10_003), 10_000)
    assert.strictEqual(onGrid(10_000, 1000, 13_004), 13_000)
    assert.strictEqual(onGrid(10_000, 1000, 12_998), 13_000)
  })

  it("the ticks between two runs' ticks were skipped", () => {
    assert.strictEqual(skippedBetween(10_000, 11_000, 1000), undefined)
    assert.deepStrictEqual(skippedBetween(10_000, 13_000, 1000), { count: 2, from: 11_000 })
  })
})
