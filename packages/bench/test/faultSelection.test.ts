import { describe, expect, it } from "@effect/vitest"
import type { Fault, FaultFigures } from "../src/reliability/faults.js"
import { allFaults, mergeFaultRows, selectedFaults } from "../src/reliability/faultSelection.js"

const row = (storage: FaultFigures["storage"], fault: Fault, longestGapMs: number): FaultFigures => ({
  storage,
  fault,
  doubled: 0,
  unexpectedExits: 0,
  notResumed: 0,
  longestGapMs,
  ticksNotRun: 0,
  insertsFailed: 0,
  warnings: 0,
  errors: 0,
  messages: [],
  faultMs: 0
})

describe("BENCH_FAULTS", () => {
  it("unset or blank selects every fault, in the table's order", () => {
    expect(selectedFaults(undefined)).toEqual(allFaults)
    expect(selectedFaults(" ")).toEqual(["database", "sigstop", "clock", "restart"])
  })

  it("names select those faults, in the table's order whatever the order given", () => {
    expect(selectedFaults("restart, clock")).toEqual(["clock", "restart"])
    expect(selectedFaults("sigstop")).toEqual(["sigstop"])
  })

  it("an unknown name is refused, naming it and the known faults", () => {
    expect(() => selectedFaults("clock,clocks")).toThrow(
      "BENCH_FAULTS: unknown fault clocks; the faults are database, sigstop, clock, restart"
    )
  })
})

describe("merging a run of some faults into the stored rows", () => {
  const stored = {
    measured: "2026-12-04 21:00 UTC",
    load: "20",
    figures: [row("SQLite", "database", 1), row("SQLite", "clock", 2), row("PostgreSQL", "clock", 3)]
  }

  it("the faults measured again replace their rows; the others keep theirs, stamped with their part's run", () => {
    const merged = mergeFaultRows(stored, [row("PostgreSQL", "clock", 30), row("SQLite", "clock", 20)])
    expect(merged.map((f) => [f.storage, f.fault, f.longestGapMs, f.measured])).toEqual([
      ["SQLite", "database", 1, "2026-12-04 21:00 UTC"],
      ["SQLite", "clock", 20, undefined],
      ["PostgreSQL", "clock", 30, undefined]
    ])
  })

  it("a kept row that has its own stamp keeps it; new faults take their place in the table's order", () => {
    const earlier = { ...row("SQLite", "sigstop", 4), measured: "2026-12-01 10:00 UTC", load: "3" }
    const merged = mergeFaultRows({ ...stored, figures: [...stored.figures, earlier] }, [row("SQLite", "restart", 5)])
    expect(merged.map((f) => [f.fault, f.measured, f.load])).toEqual([
      ["database", "2026-12-04 21:00 UTC", "20"],
      ["sigstop", "2026-12-01 10:00 UTC", "3"],
      ["clock", "2026-12-04 21:00 UTC", "20"],
      ["restart", undefined, undefined],
      ["clock", "2026-12-04 21:00 UTC", "20"]
    ])
  })

  it("with nothing stored, the fresh rows alone", () => {
    expect(
      mergeFaultRows(undefined, [row("PostgreSQL", "restart", 1), row("SQLite", "restart", 2)]).map((f) => f.storage)
    ).toEqual(["SQLite", "PostgreSQL"])
  })
})
