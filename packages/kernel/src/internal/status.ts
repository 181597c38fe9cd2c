import type { Outcome } from "../Lifecycle.js"
import type { Counters } from "../Status.js"

class CountersImpl implements Counters {
  runs = 0
  endedRuns = 0
  failures = 0
  skippedTicks = 0
  lastStart = NaN
  lastEnd = NaN
  lastDurationMillis = NaN
}

export const make = (): Counters => new CountersImpl()

export const started = (counters: Counters, wallStart: number): void => {
  counters.lastStart = wallStart
}

export const ended = (counters: Counters, outcome: Outcome, wallEnd: number, durationMillis: number): void => {
  counters.lastEnd = wallEnd
  counters.lastDurationMillis = durationMillis
  counters.endedRuns++
  if (outcome !== "interrupted") counters.runs++
  if (outcome === "failure") counters.failures++
}

export const skipped = (counters: Counters, count: number): void => {
  if (count > 0) counters.skippedTicks += count
}

export const exhausted = (counters: Counters, maxRepetitions: number | undefined): boolean =>
  maxRepetitions !== undefined && counters.endedRuns >= maxRepetitions
