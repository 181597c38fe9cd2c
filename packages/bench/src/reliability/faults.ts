/**
 * Cluster faults: three runner processes with 10 cluster repeaters every second, over SQLite or PostgreSQL, and one
 * fault in the middle of the run:
 * - the database unavailable for 15 s: PostgreSQL stopped (`pg_ctl stop -m immediate`) and started again; SQLite
 *   locked by a `sqlite3` process holding the write lock (`BEGIN IMMEDIATE`) for 15 s;
 * - the holder of `job-0` frozen (SIGSTOP) for 10 s, then SIGCONT;
 * - one runner's clock 5 s ahead from its start; the bench ends that runner (SIGTERM) mid-run so that its repeaters
 *   move to runners with the right time, then starts another runner 5 s ahead and kills (SIGKILL) a right one so
 *   that repeaters move to the wrong clock;
 * - the same runners ended and started with every clock right (`restart`): what the clock fault would be without
 *   the clock, measured on the same machine in the same run.
 */
import { freePorts } from "@effect-repeater/testkit/Ports"
import type { Postgres } from "@effect-repeater/testkit/Postgres"
import { waitFor } from "@effect-repeater/testkit/Processes"
import { type ChildProcess, spawn } from "node:child_process"
import {
  allEvents,
  holderOf,
  killAll,
  type Runner,
  sleep,
  startRunner,
  startRunners,
  waitForAllRunning
} from "./clusterProcesses.js"

export type Fault = "database" | "sigstop" | "clock" | "restart"

/** The figures of one fault run. */
export interface FaultFigures {
  readonly storage: "SQLite" | "PostgreSQL"
  readonly fault: Fault
  /** (repeater, scheduled instant) pairs run more than once, and inserts refused on the key. */
  readonly doubled: number
  /** Runners that exited without being ended by the bench. */
  readonly unexpectedExits: number
  /** Repeaters that did not run again after the fault. */
  readonly notResumed: number
  /** The longest time without a run of one repeater, from the last run before the fault (ms). */
  readonly longestGapMs: number
  /** Ticks of the 1-second grid, between a repeater's first and last run of the window, that did not run. */
  readonly ticksNotRun: number
  /** Runs whose insert failed on another error than the key (the database unavailable). */
  readonly insertsFailed: number
  /** Warning and Error lines of every runner from the fault on. */
  readonly warnings: number
  readonly errors: number
  /** The first distinct log messages, for the reader. */
  readonly messages: ReadonlyArray<string>
  readonly faultMs: number
  /** When the row was measured and the load meanwhile, if not with the rest of the table (see `mergeFaultRows`). */
  readonly measured?: string
  readonly load?: string
}

const repeaters = 10

/** Holds SQLite's write lock from another connection (`sqlite3`, `BEGIN IMMEDIATE`) until released. */
const lockSqlite = async (file: string): Promise<() => Promise<void>> => {
  const child: ChildProcess = spawn("sqlite3", [file], { stdio: ["pipe", "pipe", "pipe"] })
  let output = ""
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => output += chunk)
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => output += chunk)
  child.stdin!.write(".timeout 10000\nBEGIN IMMEDIATE;\nSELECT 'locked';\n")
  await waitFor("the SQLite write lock", () => output.includes("locked"), 30_000)
  if (output.includes("Error")) throw new Error(`sqlite3 could not take the lock: ${output}`)
  return async () => {
    child.stdin!.end("COMMIT;\n.quit\n")
    await new Promise<void>((resolve) => child.once("exit", () => resolve()))
  }
}

/** Runs one fault and measures it. */
export const runFault = async (
  storage: { readonly sqlite: string } | { readonly pg: string; readonly server: Postgres },
  fault: Fault,
  log: (line: string) => void
): Promise<FaultFigures> => {
  const options = "pg" in storage ? { pg: storage.pg } : { sqlite: storage.sqlite }
  const label = "pg" in storage ? "PostgreSQL" : "SQLite"
  // the clock fault's offset; the restart fault is the same sequence with every clock right
  const aheadMs = fault === "clock" ? 5000 : 0
  const runners: Array<Runner> = await startRunners(options, { repeaters }, [aheadMs, 0, 0])
  try {
    await waitForAllRunning(runners, repeaters, 0, 180_000)
    await sleep(5000)
    const faultStart = Date.now()
    log(`${label} ${fault}: fault at ${new Date(faultStart).toISOString()}`)
    if (fault === "database") {
      if ("pg" in storage) {
        storage.server.shutDown()
        await sleep(15_000)
        storage.server.startAgain()
      } else {
        const release = await lockSqlite(storage.sqlite)
        await sleep(15_000)
        await release()
      }
    } else if (fault === "sigstop") {
      const holder = holderOf(runners, "job-0")
      if (holder === undefined) throw new Error("no holder of job-0")
      holder.child.kill("SIGSTOP")
      await sleep(10_000)
      holder.child.kill("SIGCONT")
    } else {
      // the runner 5 s ahead hands its repeaters to right clocks, then a new one 5 s ahead takes some from a killed one
      // (restart: the same with every clock right)
      runners[0]!.ended = true
      runners[0]!.child.kill("SIGTERM")
      await sleep(15_000)
      const [port] = await freePorts(1)
      const ahead = startRunner({ port: port!, ...options, repeaters }, aheadMs)
      runners.push(ahead)
      await waitFor("the new runner", () => ahead.events.some((e) => e.event === "ready"), 180_000, runners)
      runners[1]!.ended = true
      runners[1]!.child.kill("SIGKILL")
    }
    const faultEnd = Date.now()
    // the schedule resumes: every repeater runs again after the fault, then 10 s more
    await waitForAllRunning(runners, repeaters, faultEnd, 120_000, "every repeater running after the fault")
    await sleep(10_000)
    return measure(runners, label, fault, faultStart, faultEnd)
  } finally {
    await killAll(runners)
  }
}

const measure = (
  runners: ReadonlyArray<Runner>,
  storage: "SQLite" | "PostgreSQL",
  fault: Fault,
  faultStart: number,
  faultEnd: number
): FaultFigures => {
  const events = allEvents(runners)
  const runs = events.filter((e) => e.event === "run")
  const keys = runs.map((e) => `${e.name}@${e.scheduledAt}`)
  const doubled = keys.length - new Set(keys).size + events.filter((e) => e.event === "duplicate").length
  let longestGapMs = 0
  let ticksNotRun = 0
  let notResumed = 0
  for (let k = 0; k < repeaters; k++) {
    const name = `job-${k}`
    const inserted = events.filter((e) => e.event === "inserted" && e.name === name)
    const before = inserted.filter((e) => e.at < faultStart).at(-1)
    const after = inserted.filter((e) => e.at >= faultStart)
    if (!after.some((e) => e.at >= faultEnd)) notResumed++
    let previous = before?.at ?? faultStart
    for (const e of after) {
      longestGapMs = Math.max(longestGapMs, e.at - previous)
      previous = e.at
    }
    const ticks = [...new Set(inserted.map((e) => e.scheduledAt!))].filter((t) => t >= faultStart - 5000).sort((a, b) =>
      a - b
    )
    for (let i = 1; i < ticks.length; i++) {
      ticksNotRun += Math.max(0, Math.round((ticks[i]! - ticks[i - 1]!) / 1000) - 1)
    }
  }
  const logs = events.filter((e) => e.event === "log" && e.at >= faultStart)
  const messages = [
    ...new Set(
      logs.map((e) =>
        `${e.level}: ${
          (e.message ?? "").replace(/job-\d+/g, "job-N").replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>").slice(0, 140)
        }`
      )
    )
  ]
  return {
    storage,
    fault,
    doubled,
    unexpectedExits: runners.filter((r) => r.exited && !r.ended).length,
    notResumed,
    longestGapMs,
    ticksNotRun,
    insertsFailed: events.filter((e) => e.event === "insertFailed").length,
    warnings: logs.filter((e) => e.level === "WARN").length,
    errors: logs.filter((e) => e.level === "ERROR" || e.level === "FATAL").length,
    messages: messages.slice(0, 8),
    faultMs: faultEnd - faultStart
  }
}
