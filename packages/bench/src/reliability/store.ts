/**
 * The reliability figures kept in `docs/benchmarks.json` (key `reliability`), one entry per part, so that a part can
 * be measured again (`BENCH_RELIABILITY=<part>`) without measuring the others again.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { dataPath } from "../internal/paths.js"

/** A part's figures with when they were measured and the machine's load meanwhile. */
export interface Stored<A> {
  readonly measured: string
  readonly load: string
  readonly figures: A
}

/** The parts of the reliability section, in the order of the document. */
export const parts = ["soak", "faults", "load", "streams"] as const

/** A part of the reliability section. */
export type Part = typeof parts[number]

const readJson = (): Record<string, unknown> => {
  if (!existsSync(dataPath)) return {}
  const parsed: unknown = JSON.parse(readFileSync(dataPath, "utf8"))
  return typeof parsed === "object" && parsed !== null ? { ...parsed } : {}
}

const storedParts = (): Record<string, unknown> => {
  const reliability = readJson().reliability
  return typeof reliability === "object" && reliability !== null ? { ...reliability } : {}
}

/** A part's stored figures (written by `storePart` only: their shape is `Stored<A>`), or undefined. */
export const loadPart = <A>(part: Part): Stored<A> | undefined => {
  const stored = storedParts()[part]
  return typeof stored === "object" && stored !== null && "figures" in stored ? stored as Stored<A> : undefined
}

/** Stores a part's figures, stamped with the time and the load average. */
export const storePart = <A>(part: Part, figures: A, loadAtStart: string): Stored<A> => {
  const entry: Stored<A> = {
    measured: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    load: `${loadAtStart} at the start, ${loadAverage()} at the end`,
    figures
  }
  const json = readJson()
  json.reliability = { ...storedParts(), [part]: entry }
  mkdirSync(path.dirname(dataPath), { recursive: true })
  writeFileSync(dataPath, `${JSON.stringify(json, null, 1)}\n`)
  return entry
}

/** The load average over 1, 5 and 15 minutes. */
export const loadAverage = (): string => os.loadavg().map((l) => l.toFixed(1)).join(", ")
