/**
 * 1,000 cluster repeaters every second on three runner processes: claims and SQL statements per second, and the
 * time until every repeater of a runner killed with SIGKILL is held again by the others.
 */
import type { Postgres } from "@effect-repeater/testkit/Postgres"
import { waitFor } from "@effect-repeater/testkit/Processes"
import { execFileSync } from "node:child_process"
import { killAll, type Runner, sleep, startRunners } from "./clusterProcesses.js"

/** The figures of one load run. */
export interface LoadFigures {
  readonly storage: "SQLite" | "PostgreSQL"
  readonly repeaters: number
  /** From the start of the runners until every repeater was held. */
  readonly allHeldMs: number
  readonly windowMs: number
  /** Ticks claimed (runs) per second, over the window, all runners together. */
  readonly claimsPerSecond: number
  /** SQL statements per second counted by the runners (`sql.execute` spans), all runners together. */
  readonly statementsPerSecond: number
  /** PostgreSQL: committed transactions per second (`pg_stat_database.xact_commit`). */
  readonly commitsPerSecond?: number
  /** How many repeaters the killed runner held. */
  readonly killedHeld: number
  /** From the SIGKILL until each of them was held by another runner. */
  readonly heldAgainMs: number
  readonly doubled: number
  readonly insertsFailed: number
  readonly warnings: number
  readonly errors: number
}

/** A load run's figures, or why it did not finish. */
export type LoadResult = LoadFigures | { readonly storage: "SQLite" | "PostgreSQL"; readonly error: string }

const latestStats = (runners: ReadonlyArray<Runner>) => {
  let statements = 0
  let runs = 0
  for (const runner of runners) {
    const stats = runner.events.filter((e) => e.event === "stats").at(-1)
    statements += stats?.statements ?? 0
    runs += stats?.runs ?? 0
  }
  return { statements, runs, at: Date.now() }
}

const commits = (server: Postgres, database: string): number =>
  Number(
    execFileSync("psql", [
      "-h",
      "127.0.0.1",
      "-p",
      String(server.port),
      "-U",
      "postgres",
      "-d",
      database,
      "-Atc",
      "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
    ], { encoding: "utf8" }).trim()
  )

/** The runner that took each repeater last. */
const holders = (runners: ReadonlyArray<Runner>): Map<string, Runner> => {
  const latest = new Map<string, { runner: Runner; at: number }>()
  for (const runner of runners) {
    for (const e of runner.events) {
      if (e.event !== "holding" || e.name === undefined) continue
      const current = latest.get(e.name)
      if (current === undefined || e.at > current.at) latest.set(e.name, { runner, at: e.at })
    }
  }
  return new Map([...latest].map(([name, { runner }]) => [name, runner]))
}

/** Runs the load over SQLite (`sqlite`) or PostgreSQL (`pg`, with its server and database name). */
export const runLoad = async (
  storage: { readonly sqlite: string } | { readonly pg: string; readonly server: Postgres; readonly database: string },
  repeaters: number,
  windowMs: number,
  log: (line: string) => void
): Promise<LoadFigures> => {
  const label = "pg" in storage ? "PostgreSQL" : "SQLite"
  const started = Date.now()
  const runners = await startRunners(
    "pg" in storage ? { pg: storage.pg } : { sqlite: storage.sqlite },
    {
      repeaters,
      quiet: true
    },
    [0, 0, 0],
    300_000
  )
  try {
    await waitFor("every repeater held", () => holders(runners).size >= repeaters, 600_000, runners)
    const allHeldMs = Date.now() - started
    log(`${label}: ${repeaters} repeaters held after ${allHeldMs} ms`)
    await sleep(10_000)
    const before = latestStats(runners)
    const commitsBefore = "pg" in storage ? commits(storage.server, storage.database) : undefined
    await sleep(windowMs)
    const after = latestStats(runners)
    const commitsAfter = "pg" in storage ? commits(storage.server, storage.database) : undefined
    const seconds = (after.at - before.at) / 1000
    const held = holders(runners)
    const counts = runners.map((r) => [...held.values()].filter((h) => h === r).length)
    const victim = runners[counts.indexOf(Math.max(...counts))]!
    const names = [...held].filter(([, r]) => r === victim).map(([name]) => name)
    const killedAt = Date.now()
    victim.ended = true
    victim.child.kill("SIGKILL")
    let heldAgainMs = Number.NaN
    await waitFor(
      "every repeater of the killed runner held again",
      () => {
        const now = holders(runners)
        if (names.every((name) => now.get(name) !== victim)) {
          const at = Math.max(
            ...names.map((name) =>
              Math.max(
                ...runners.flatMap((r) => r.events.filter((e) => e.event === "holding" && e.name === name)).map((e) =>
                  e.at
                )
              )
            )
          )
          heldAgainMs = at - killedAt
          return true
        }
        return false
      },
      600_000,
      runners
    )
    log(`${label}: ${names.length} repeaters held again ${heldAgainMs} ms after the SIGKILL`)
    await sleep(5000)
    const events = runners.flatMap((r) => r.events)
    const logs = events.filter((e) => e.event === "log")
    return {
      storage: label,
      repeaters,
      allHeldMs,
      windowMs: after.at - before.at,
      claimsPerSecond: (after.runs - before.runs) / seconds,
      statementsPerSecond: (after.statements - before.statements) / seconds,
      ...(commitsBefore === undefined || commitsAfter === undefined ?
        {} :
        { commitsPerSecond: (commitsAfter - commitsBefore) / seconds }),
      killedHeld: names.length,
      heldAgainMs,
      doubled: events.filter((e) => e.event === "duplicate").length,
      insertsFailed: events.filter((e) => e.event === "insertFailed").length,
      warnings: logs.filter((e) => e.level === "WARN").length,
      errors: logs.filter((e) => e.level === "ERROR" || e.level === "FATAL").length
    }
  } finally {
    await killAll(runners)
  }
}
