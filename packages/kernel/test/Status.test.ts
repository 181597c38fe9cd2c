import * as Status from "@effect-repeater/kernel/Status"
import { describe, expect, it } from "vitest"

describe("Status", () => {
  it("a repeater that has not run has no last run", () => {
    const counters = Status.make()
    expect({ ...counters }).toEqual({
      runs: 0,
      endedRuns: 0,
      failures: 0,
      skippedTicks: 0,
      lastStart: NaN,
      lastEnd: NaN,
      lastDurationMillis: NaN
    })
  })

  it("counts runs (interrupted ones only toward the bound), failures and skipped ticks, and keeps the last run", () => {
    const counters = Status.make()
    Status.started(counters, 1_000)
    Status.ended(counters, "success", 1_250, 250)
    Status.started(counters, 2_000)
    Status.ended(counters, "failure", 2_010, 10)
    Status.started(counters, 3_000)
    Status.ended(counters, "interrupted", 3_500, 500)
    Status.skipped(counters, 4)
    Status.skipped(counters, 0)
    Status.skipped(counters, -1)
    expect({ ...counters }).toEqual({
      runs: 2,
      endedRuns: 3,
      failures: 1,
      skippedTicks: 4,
      lastStart: 3_000,
      lastEnd: 3_500,
      lastDurationMillis: 500
    })
    expect(Status.exhausted(counters, undefined)).toBe(false)
    expect(Status.exhausted(counters, 4)).toBe(false)
    expect(Status.exhausted(counters, 3)).toBe(true)
  })

  it("works on any object with the fields", () => {
    const own = {
      runs: 0,
      endedRuns: 0,
      failures: 0,
      skippedTicks: 0,
      lastStart: NaN,
      lastEnd: NaN,
      lastDurationMillis: NaN,
      extra: "kept"
    }
    Status.ended(own, "success", 5, 5)
    expect(own.runs).toBe(1)
    expect(own.extra).toBe("kept")
  })
})
