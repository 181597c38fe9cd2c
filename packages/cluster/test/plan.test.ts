import * as CronMatches from "@effect-repeater/core/CronMatches"
import * as RunPolicy from "@effect-repeater/core/RunPolicy"
import * as Triggers from "@effect-repeater/kernel/Trigger"
import { assert, describe, it } from "@effect/vitest"
import * as Cron from "effect/Cron"
import * as Schedule from "effect/Schedule"
import { planFirstStart, planTakeover, tickOf, type Timing, timingOf } from "../src/internal/plan.js"

const cronTiming = (cron: Cron.Cron): Timing => ({
  trigger: Triggers.cron((wall) => Cron.next(cron, wall).getTime(), CronMatches.counter(cron)),
  cron
})
const rate: Timing = { trigger: Triggers.everyRate(1000), cron: undefined }
const delay: Timing = { trigger: Triggers.everyDelay(1000), cron: undefined }
const hourly = cronTiming(Cron.unsafeParse("0 * * * *", "UTC"))
const schedule: Timing = timingOf({ schedule: Schedule.spaced("1 second") })
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
    const everySecond = cronTiming(Cron.unsafeParse("* * * * * *", "UTC"))
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

  it("the first start anywhere follows the options: initialDelay anchors the rate grid", () => {
    assert.deepStrictEqual(planFirstStart(rate, 250, 10_000), {
      initialDelayMillis: 250,
      firstDue: 10_250,
      catchUp: undefined,
      missed: 0
    })
    assert.strictEqual(planFirstStart(hourly, 0, 10_000).initialDelayMillis, undefined)
  })
})

describe("which tick a run stands for", () => {
  it("cron: the match at or just before the start", () => {
    assert.strictEqual(tickOf(hourly, t0 + HOUR + 30), t0 + HOUR)
    assert.strictEqual(tickOf(hourly, t0 + HOUR - 3), t0 + HOUR)
    assert.strictEqual(tickOf(hourly, t0 + HOUR + 40 * 60_000), t0 + HOUR)
  })

  it("delay mode and schedules: the start itself", () => {
    assert.strictEqual(tickOf(delay, 13_420), 13_420)
    assert.strictEqual(tickOf(schedule, 13_420), 13_420)
  })

  it("timingOf reads validated options: the kernel's triggers, cron in core's default time zone", () => {
    const rate = timingOf({ every: "2 seconds", mode: "rate" })
    assert.deepStrictEqual([rate.trigger._tag, rate.trigger.every, rate.cron], ["EveryRate", 2000, undefined])
    const delay = timingOf({ every: "2 seconds" })
    assert.deepStrictEqual([delay.trigger._tag, delay.trigger.every, delay.cron], ["EveryDelay", 2000, undefined])
    const utc = timingOf({ cron: "0 * * * *", timeZone: "UTC" })
    assert.strictEqual(utc.trigger._tag, "Cron")
    assert.deepStrictEqual(utc.cron, Cron.unsafeParse("0 * * * *", "UTC"))
    const local = timingOf({ cron: "0 * * * *" })
    assert.deepStrictEqual(local.cron, Cron.unsafeParse("0 * * * *", RunPolicy.localTimeZone()))
    assert.deepStrictEqual([schedule.trigger._tag, schedule.cron], ["Schedule", undefined])
  })
})
