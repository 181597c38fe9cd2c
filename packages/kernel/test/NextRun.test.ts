import * as NextRun from "@effect-repeater/kernel/NextRun"
import * as Trigger from "@effect-repeater/kernel/Trigger"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

const at = (scheduledAt: number, basis: number, jitter: Trigger.Jitter): Trigger.At => ({
  _tag: "At",
  scheduledAt,
  basis,
  jitter,
  skipped: 0,
  firstSkippedAt: NaN
})

const cell = (): Trigger.Cell => ({ anchor: NaN, cursor: 0, scheduleState: undefined })

const time = fc.integer({ min: -1e12, max: 1e12 })
const jitterMode = fc.constantFrom<Trigger.Jitter>("draw", "keep", "late")

describe("NextRun: the jitter modes", () => {
  it("a next run not planned yet", () => {
    const next = NextRun.make()
    expect(NextRun.isPlanned(next)).toBe(false)
    expect(next.nextJitter).toBe(0)
  })

  it("draws a jitter only for a draw plan of a repeater with a positive jitter", () => {
    expect(NextRun.drawsJitter(at(10, 0, "draw"), 5)).toBe(true)
    expect(NextRun.drawsJitter(at(10, 0, "draw"), 0)).toBe(false)
    expect(NextRun.drawsJitter(at(10, 0, "keep"), 5)).toBe(false)
    expect(NextRun.drawsJitter(at(10, 0, "late"), 5)).toBe(false)
  })

  it("draw: due at the scheduled instant plus the drawn jitter, floored to whole milliseconds", () => {
    const next = NextRun.make()
    NextRun.place(next, at(1_000, 400, "draw"), 37.9)
    expect({ ...next }).toEqual({ due: 1_037, nextScheduledAt: 1_000, nextBasis: 400, nextJitter: 37 })
    expect(NextRun.isPlanned(next)).toBe(true)
  })

  it("keep: the jitter of the run it replaces; late: due at its basis, no jitter", () => {
    const next = NextRun.make()
    NextRun.place(next, at(1_000, 400, "draw"), 37)
    NextRun.place(next, at(2_000, 1_500, "keep"), 99)
    expect({ ...next }).toEqual({ due: 2_037, nextScheduledAt: 2_000, nextBasis: 1_500, nextJitter: 37 })
    NextRun.place(next, at(3_000, 2_500, "late"), 99)
    expect({ ...next }).toEqual({ due: 2_500, nextScheduledAt: 3_000, nextBasis: 2_500, nextJitter: 0 })
    NextRun.place(next, at(4_000, 3_500, "keep"), 99)
    expect(next.due).toBe(4_000)
  })

  it("the due time is the scheduled instant plus the jitter kept, or the basis of a late run", () => {
    fc.assert(fc.property(
      time,
      time,
      jitterMode,
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.nat(1e6),
      (scheduledAt, basis, mode, drawn, previous) => {
        const next = NextRun.make()
        next.nextJitter = previous
        NextRun.place(next, at(scheduledAt, basis, mode), drawn)
        expect(next.nextScheduledAt).toBe(scheduledAt)
        expect(next.nextBasis).toBe(basis)
        expect(next.nextJitter).toBe(mode === "late" ? 0 : mode === "keep" ? previous : Math.floor(drawn))
        expect(next.due).toBe(mode === "late" ? basis : scheduledAt + next.nextJitter)
        expect(Number.isInteger(next.nextJitter)).toBe(true)
      }
    ))
  })

  it("a run that started clears the next run", () => {
    const next = NextRun.make()
    NextRun.place(next, at(1_000, 0, "draw"), 0)
    NextRun.clear(next)
    expect(NextRun.isPlanned(next)).toBe(false)
  })
})

describe("NextRun: a step of the dispatcher's time", () => {
  it("moves the scheduled instant and the basis, and gives the new due time", () => {
    fc.assert(fc.property(time, time, fc.nat(1e6), time, (scheduledAt, basis, drawn, step) => {
      const next = NextRun.make()
      NextRun.place(next, at(scheduledAt, basis, "draw"), drawn)
      const due = next.due
      expect(NextRun.shiftBy(next, step)).toBe(due + step)
      expect(next.nextScheduledAt).toBe(scheduledAt + step)
      expect(next.nextBasis).toBe(basis + step)
      expect(next.nextJitter).toBe(drawn)
    }))
  })
})

describe("NextRun: resume", () => {
  it("every, delay mode: a run still to come keeps its due time", () => {
    const next = NextRun.make()
    NextRun.place(next, at(1_000, 0, "draw"), 20)
    expect(NextRun.resumed(next, Trigger.everyDelay(1_000), cell(), 500, 500)).toBeUndefined()
  })

  it("every, delay mode: a run that fell due while paused is dropped, its wait starts again, its jitter kept", () => {
    const next = NextRun.make()
    NextRun.place(next, at(1_000, 0, "draw"), 20)
    const replanned = NextRun.resumed(next, Trigger.everyDelay(1_000), cell(), 5_000, 5_000)
    expect(replanned).toMatchObject({ _tag: "At", scheduledAt: 6_000, basis: 5_000, jitter: "keep" })
    NextRun.place(next, replanned!, 0)
    expect(next.due).toBe(6_020)
  })

  it("never plans a run before the resume (no catch-up burst)", () => {
    fc.assert(fc.property(
      fc.nat(1e6),
      fc.nat(1e6),
      fc.integer({ min: 1, max: 1e6 }),
      fc.nat(1e6),
      (basis, wait, every, pause) => {
        const next = NextRun.make()
        NextRun.place(next, at(basis + wait, basis, "draw"), 0)
        const now = basis + pause
        const replanned = NextRun.resumed(next, Trigger.everyDelay(every), cell(), now, now)
        if (replanned === undefined) expect(next.due).toBeGreaterThanOrEqual(now)
        else expect(replanned.scheduledAt).toBeGreaterThanOrEqual(now)
      }
    ))
  })
})
