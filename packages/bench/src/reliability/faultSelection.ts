/**
 * Which cluster faults a run measures (`BENCH_FAULTS`), and how its rows join the stored ones: a run of some faults
 * replaces their rows and keeps the others, each with the time and load it was measured at.
 */
import type { Fault, FaultFigures } from "./faults.js"
import type { Stored } from "./store.js"

/** Every fault, in the order of the table. */
export const allFaults: ReadonlyArray<Fault> = ["database", "sigstop", "clock", "restart"]

const storages: ReadonlyArray<FaultFigures["storage"]> = ["SQLite", "PostgreSQL"]

/**
 * The faults named by `BENCH_FAULTS` (`<fault>[,<fault>…]`), in the table's order; every fault when it is unset or
 * blank. An unknown name throws, naming it and the known ones.
 */
export const selectedFaults = (text: string | undefined): ReadonlyArray<Fault> => {
  if (text === undefined || text.trim() === "") return allFaults
  const named = text.split(",").map((name) => name.trim())
  const unknown = named.filter((name) => !allFaults.some((fault) => fault === name))
  if (unknown.length > 0) {
    throw new Error(`BENCH_FAULTS: unknown fault ${unknown.join(", ")}; the faults are ${allFaults.join(", ")}`)
  }
  return allFaults.filter((fault) => named.includes(fault))
}

const sameRow = (a: FaultFigures, b: FaultFigures): boolean => a.storage === b.storage && a.fault === b.fault

const rank = (row: FaultFigures): number =>
  storages.indexOf(row.storage) * allFaults.length + allFaults.indexOf(row.fault)

/**
 * The rows to store after measuring `fresh`: the stored rows that were not measured again keep their figures and
 * are stamped with the time and load they were measured at (their own, or their part's); the fresh rows carry no
 * stamp (the part's new stamp is theirs). Sorted by storage, then fault.
 */
export const mergeFaultRows = (
  stored: Stored<ReadonlyArray<FaultFigures>> | undefined,
  fresh: ReadonlyArray<FaultFigures>
): Array<FaultFigures> => {
  const kept = (stored?.figures ?? [])
    .filter((row) => !fresh.some((f) => sameRow(f, row)))
    .map((row) => ({ ...row, measured: row.measured ?? stored!.measured, load: row.load ?? stored!.load }))
  return [...kept, ...fresh].sort((a, b) => rank(a) - rank(b))
}
