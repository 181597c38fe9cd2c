import * as Trigger from "@effect-repeater/kernel/Trigger"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { periodicRule } from "./support/periodicRule.js"
import { type Run, simulate, type Step } from "./support/simulate.js"

const cell = (): Trigger.Cell => ({ anchor: NaN, cursor: 0, scheduleState: undefined })

/** A cron-like rule: a match every `period` ms of wall time, at multiples of `period` plus `offset`. */
const everyPeriod = (period: number, offset = 0) => periodicRule(period, offset)

const regular = (runs: ReadonlyArray<Run>) => runs.filter((run) => run.kind === "regular")

/** No run starts before the previous one ended, nor before it was due. */
const expectNoOverlap = (runs: ReadonlyArray<Run>) => {
  for (let i = 1; i < runs.length; i++) expect(runs[i].start).toBeGreaterThanOrEqual(runs[i - 1].end)
  for (const run of runs) expect(run.start).toBeGreaterThanOrEqual(run.due)
}

const step = (maxDuration: number): fc.Arbitrary<Step> =>
  fc.record({
    duration: fc.nat(maxDuration),
    jitter: fc.double({ min: 0, max: 0.999, noNaN: true }),
    runNow: fc.option(fc.nat(maxDuration), { nil: undefined, freq: 6 })
  })

const pausedStep = (maxDuration: number, maxPause: number): fc.Arbitrary<Step> =>
  fc.record({
    duration: fc.nat(maxDuration),
    jitter: fc.double({ min: 0, max: 0.999, noNaN: true }),
    pause: fc.option(fc.record({ after: fc.nat(maxPause), for: fc.nat(maxPause) }), { nil: undefined, freq: 3 })
  })

describe("Trigger: every, delay mode", () => {
  it("plans the first run after the initial delay, then each run `every` after the previous one ended", () => {
    const trigger = Trigger.everyDelay(1_000)
    const c = cell()
    expect(trigger._tag).toBe("EveryDelay")
    expect(trigger.wallAnchored).toBe(false)
    expect(trigger.first(c, 50, 50, 0)).toMatchObject({ _tag: "At", scheduledAt: 50, basis: 50, jitter: "draw" })
    expect(trigger.first(c, 50, 50, undefined)).toMatchObject({ scheduledAt: 1_050 })
    expect(trigger.afterRun(c, 4_321, 4_321, false)).toMatchObject({ scheduledAt: 5_321, basis: 4_321, skipped: 0 })
  })

  it("on resume: keeps a run still to come; one that fell due while paused waits its whole wait again", () => {
    const trigger = Trigger.everyDelay(1_000)
    const c = cell()
    expect(trigger.onResume(c, 500, 500, 1_200, 1_000, 0)).toBeUndefined()
    expect(trigger.onResume(c, 5_000, 5_000, 1_200, 1_000, 0)).toMatchObject({
      scheduledAt: 6_000,
      basis: 5_000,
      jitter: "keep"
    })
  })

  it("property: no overlap; each run starts exactly `every` plus its jitter after the previous ended", () => {
    fc.assert(fc.property(fc.array(step(5_000), { maxLength: 60 }), (steps) => {
      const every = 1_000
      const maxJitter = 300
      const { runs, skipped } = simulate(Trigger.everyDelay(every), steps, { initialDelay: 0, maxJitter })
      expectNoOverlap(runs)
      expect(skipped).toEqual([])
      const regularRuns = regular(runs)
      for (let i = 1; i < regularRuns.length; i++) {
        const previousEnd = runs[runs.indexOf(regularRuns[i]) - 1].end
        expect(regularRuns[i].scheduledAt).toBe(previousEnd + every)
        expect(regularRuns[i].start - regularRuns[i].scheduledAt).toBeLessThan(maxJitter)
      }
    }))
  })

  it("property: a resume never bursts: the next run waits at least what it had left, at most `every` plus jitter", () => {
    fc.assert(fc.property(fc.array(pausedStep(3_000, 5_000), { maxLength: 60 }), (steps) => {
      const every = 1_000
      const { resumes, runs } = simulate(Trigger.everyDelay(every), steps, { initialDelay: 0, maxJitter: 200 })
      expectNoOverlap(runs)
      for (const resume of resumes) {
        const next = runs.find((run) => run.start >= resume.at)
        if (next === undefined) continue
        expect(next.start).toBeGreaterThanOrEqual(resume.at)
        expect(next.start).toBeLessThanOrEqual(Math.max(resume.due, resume.at + every + 200))
      }
    }))
  })
})

describe("Trigger: every, rate mode", () => {
  it("a grid from the first run; an overrun is followed by one late run for the latest tick, the others skipped", () => {
    const trigger = Trigger.everyRate(1_000)
    const c = cell()
    expect(trigger._tag).toBe("EveryRate")
    expect(trigger.first(c, 0, 0, 500)).toMatchObject({ scheduledAt: 500 })
    trigger.onDue(c, 500) // tick 0 runs
    expect(trigger.afterRun(c, 700, 700, false)).toMatchObject({ scheduledAt: 1_500, skipped: 0, jitter: "draw" })
    trigger.onDue(c, 1_500) // tick 1 (1 500) runs until 4 800: ticks 2 (2 500), 3 and 4 (4 500) fell due
    expect(trigger.afterRun(c, 4_800, 4_800, false)).toMatchObject({
      scheduledAt: 4_500,
      basis: 4_800,
      jitter: "late",
      skipped: 2,
      firstSkippedAt: 2_500
    })
    trigger.onDue(c, 4_800)
    expect(trigger.afterRun(c, 4_900, 4_900, false)).toMatchObject({ scheduledAt: 5_500, skipped: 0 })
  })

  it("a runNow run while paused drops the ticks that fell due, without counting them as skipped", () => {
    const trigger = Trigger.everyRate(1_000)
    const c = cell()
    trigger.first(c, 0, 0, 0)
    trigger.onDue(c, 0)
    expect(trigger.afterRun(c, 3_200, 3_200, true)).toMatchObject({ scheduledAt: 4_000, skipped: 0 })
  })

  it("on resume: ticks that fell due while paused are dropped; the next is the first tick at or after the resume", () => {
    const trigger = Trigger.everyRate(1_000)
    const c = cell()
    trigger.first(c, 0, 0, 0)
    trigger.onDue(c, 0)
    trigger.afterRun(c, 10, 10, false) // next: 1 000
    expect(trigger.onResume(c, 800, 800, 1_000, 1_000, 10)).toBeUndefined()
    expect(trigger.onResume(c, 3_400, 3_400, 1_000, 1_000, 10)).toMatchObject({
      scheduledAt: 4_000,
      basis: 3_400,
      jitter: "keep",
      skipped: 0
    })
    expect(trigger.onResume(c, 5_000, 5_000, 4_000, 4_000, 3_400)).toMatchObject({ scheduledAt: 5_000 })
  })

  it("a coalesced runNow after an overrun consumes the overdue ticks: the latest by its run, the others skipped", () => {
    const trigger = Trigger.everyRate(1_000)
    const c = cell()
    trigger.first(c, 0, 0, 0)
    trigger.onDue(c, 0) // tick 0, runs until 3 500
    expect(trigger.beforeRunNow(c, 3_500)).toEqual({ count: 2, firstScheduledAt: 1_000 })
    expect(trigger.afterRun(c, 3_600, 3_600, false)).toMatchObject({ scheduledAt: 4_000, skipped: 0 })
    expect(trigger.beforeRunNow(c, 3_900)).toBeUndefined()
  })

  it("property: no overlap, no duplicate tick, no drift, every tick run or skipped exactly once", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5_000 }),
      fc.array(step(12_000), { maxLength: 60 }),
      fc.nat(3_000),
      (every, steps, initialDelay) => {
        const maxJitter = Math.floor(every / 2)
        const record = simulate(Trigger.everyRate(every), steps, { initialDelay, maxJitter, start: 1_000 })
        const { consumedByRunNow, runs, skipped } = record
        const anchor = 1_000 + initialDelay
        expectNoOverlap(runs)
        const ticks: Array<number> = []
        for (const run of regular(runs)) {
          // no drift: every regular run stands for a tick of the grid, exactly
          const k = (run.scheduledAt - anchor) / every
          expect(Number.isInteger(k)).toBe(true)
          ticks.push(k)
          if (!run.late) expect(run.start - run.scheduledAt).toBeLessThan(Math.max(maxJitter, 1))
          else expect(run.start - run.scheduledAt).toBeGreaterThanOrEqual(0)
        }
        for (const skip of skipped) {
          const first = (skip.firstScheduledAt - anchor) / every
          expect(Number.isInteger(first)).toBe(true)
          for (let i = 0; i < skip.count; i++) ticks.push(first + i)
        }
        ticks.push(...consumedByRunNow)
        ticks.sort((a, b) => a - b)
        // each tick once, none missing, up to the last one consumed
        expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i))
        expect(ticks.length).toBe(record.cell.cursor)
        // no duplicate: regular runs stand for ticks in strictly increasing order
        const scheduled = regular(runs).map((run) => run.scheduledAt)
        for (let i = 1; i < scheduled.length; i++) expect(scheduled[i]).toBeGreaterThan(scheduled[i - 1])
      }
    ))
  })

  it("property: pause and resume never burst: no catch-up of what fell due while paused, the grid kept", () => {
    fc.assert(fc.property(fc.array(pausedStep(3_000, 10_000), { maxLength: 60 }), (steps) => {
      const every = 1_000
      const record = simulate(Trigger.everyRate(every), steps, { initialDelay: 0, maxJitter: 100 })
      const { resumes, runs, skipped } = record
      expectNoOverlap(runs)
      for (const resume of resumes) {
        const after = runs.filter((run) => run.start >= resume.at)
        if (after.length === 0) continue
        // the first run after a resume is the first tick at or after it (or the one still to come)
        const expected = resume.due >= resume.at ? resume.scheduledAt : Math.ceil(resume.at / every) * every
        expect(after[0].scheduledAt).toBe(expected)
        expect(after[0].late).toBe(false)
        // and no second run follows within the same period, unless the first overran
        if (after.length > 1 && after[0].end < expected + every) {
          expect(after[1].start).toBeGreaterThanOrEqual(expected + every)
        }
      }
      // ticks dropped while paused are not counted as skipped: skipped ticks lie in runs' overruns
      for (const skip of skipped) {
        const overrun = runs.find((run) => run.end === skip.at)
        expect(overrun).toBeDefined()
        expect(skip.firstScheduledAt).toBeGreaterThanOrEqual(overrun!.scheduledAt)
      }
      for (const run of regular(runs)) expect(Number.isInteger(run.scheduledAt / every)).toBe(true)
    }))
  })
})

describe("Trigger: cron", () => {
  it("runs at the first match after the start (and its initial delay), converted to the dispatcher's time", () => {
    const trigger = Trigger.cron(...everyPeriod(60_000))
    const c = cell()
    expect(trigger._tag).toBe("Cron")
    expect(trigger.wallAnchored).toBe(true)
    // the dispatcher's time is 1 000 ahead of the wall clock (a step back absorbed)
    expect(trigger.first(c, 11_000, 10_000, 0)).toMatchObject({ scheduledAt: 61_000, basis: 11_000 })
    expect(trigger.first(c, 11_000, 10_000, 60_000)).toMatchObject({ scheduledAt: 121_000 })
  })

  it("matches overrun by a run are skipped and counted; the consumed match is never run again", () => {
    const trigger = Trigger.cron(...everyPeriod(60_000))
    const c = cell()
    trigger.first(c, 0, 0, 0) // 60 000
    trigger.onDue(c, 60_000)
    expect(trigger.afterRun(c, 250_000, 250_000, false)).toMatchObject({
      scheduledAt: 300_000,
      skipped: 3,
      firstSkippedAt: 120_000
    })
    trigger.onDue(c, 60_000)
    // the wall clock was stepped back below the match just run: that match is not planned again
    expect(trigger.afterRun(c, 310_000, 200_000, false)).toMatchObject({ scheduledAt: 470_000, skipped: 0 })
  })

  it("on resume: always computed again from the wall clock, from the first match not consumed yet", () => {
    const trigger = Trigger.cron(...everyPeriod(60_000))
    const c = cell()
    trigger.first(c, 0, 0, 0)
    trigger.onDue(c, 60_000)
    trigger.afterRun(c, 1_000, 1_000, false) // next: 120 000
    expect(trigger.onResume(c, 50_000, 50_000, 120_000, 120_000, 1_000)).toMatchObject({ scheduledAt: 120_000 })
    // resumed exactly on a match: that match runs
    expect(trigger.onResume(c, 240_000, 240_000, 120_000, 120_000, 1_000)).toMatchObject({
      scheduledAt: 240_000,
      jitter: "keep",
      skipped: 0
    })
  })

  it("property: no overlap, no duplicate match, every match run or skipped exactly once", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1_000, max: 100_000 }),
      fc.nat(999),
      fc.array(step(400_000), { maxLength: 50 }),
      (period, offset, steps) => {
        const trigger = Trigger.cron(...everyPeriod(period, offset))
        const { runs, skipped } = simulate(trigger, steps.map((s) => ({ ...s, runNow: undefined })), {
          initialDelay: 0,
          maxJitter: 0
        })
        expectNoOverlap(runs)
        const matches = runs.map((run) => run.scheduledAt)
        for (const skip of skipped) {
          for (let i = 0; i < skip.count; i++) matches.push(skip.firstScheduledAt + i * period)
        }
        matches.sort((a, b) => a - b)
        const first = everyPeriod(period, offset)[0](0)
        expect(matches).toEqual(Array.from({ length: matches.length }, (_, i) => first + i * period))
      }
    ))
  })

  it("property: a resume never bursts: the next run is the first match at or after the resume", () => {
    fc.assert(fc.property(fc.array(pausedStep(100_000, 400_000), { maxLength: 40 }), (steps) => {
      const period = 60_000
      const { resumes, runs } = simulate(Trigger.cron(...everyPeriod(period)), steps, { initialDelay: 0, maxJitter: 0 })
      expectNoOverlap(runs)
      for (const resume of resumes) {
        const next = runs.find((run) => run.start >= resume.at)
        if (next !== undefined) expect(next.scheduledAt).toBe(Math.ceil(resume.at / period) * period)
      }
    }))
  })
})

describe("Trigger: schedule", () => {
  const step = (wallNow: number, state: unknown) => ({ wallNow, state })

  it("asks the binding for a step (first, unless an initial delay is given, and after each run)", () => {
    const trigger = Trigger.schedule("s0", step)
    const c = cell()
    expect(trigger._tag).toBe("Schedule")
    expect(trigger.first(c, 100, 1_100, undefined)).toEqual({
      _tag: "Step",
      step: { wallNow: 1_100, state: "s0" },
      now: 100,
      wallNow: 1_100
    })
    expect(trigger.first(c, 100, 1_100, 50)).toMatchObject({ _tag: "At", scheduledAt: 150 })
    // the step's decision, a wall time, converted to the dispatcher's time
    expect(trigger.stepped(c, 100, 1_100, "s1", 1_600)).toMatchObject({ _tag: "At", scheduledAt: 600, basis: 100 })
    expect(trigger.afterRun(c, 700, 1_700, false)).toMatchObject({ _tag: "Step", step: { state: "s1" } })
    expect(trigger.stepped(c, 700, 1_700, "s2", undefined)).toEqual({ _tag: "Done" })
    expect(c.scheduleState).toBe("s2")
  })

  it("on resume: as delay mode, the wait it had left starts again", () => {
    const trigger = Trigger.schedule(undefined, step)
    expect(trigger.onResume(cell(), 500, 500, 900, 900, 0)).toBeUndefined()
    expect(trigger.onResume(cell(), 2_000, 2_000, 900, 900, 100)).toMatchObject({ scheduledAt: 2_800 })
    expect(trigger.beforeRunNow(cell(), 0)).toBeUndefined()
  })
})
