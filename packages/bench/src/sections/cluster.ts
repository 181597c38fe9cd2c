/**
 * Takeover of a cluster repeater (`@effect-repeater/cluster`): three runner
 * processes on 127.0.0.1, the singleton ticking every second; its holder is
 * killed (SIGKILL) or stopped (SIGTERM), and the time until another runner
 * holds it is measured. Over SQLite (one file) and PostgreSQL (a private
 * server from Debian's `postgresql`), with the package's default timings.
 *
 * The runners are the cluster package's test fixture
 * (`packages/cluster/test/fixtures/runner.ts`): each run inserts its tick's
 * scheduled instant under a PRIMARY KEY, so a tick run twice shows up.
 *
 * @since 0.1.0
 */
import { freePorts } from "@effect-repeater/testkit/Ports"
import { type Postgres, startPostgres } from "@effect-repeater/testkit/Postgres"
import { killAll, type NodeProcess, spawnNode, waitFor } from "@effect-repeater/testkit/Processes"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Section } from "../Section.js"

const clusterPackage = fileURLToPath(new URL("../../../cluster", import.meta.url))
const fixture = join(clusterPackage, "test", "fixtures", "runner.ts")

interface Event {
  readonly event: "ready" | "holding" | "run" | "inserted" | "duplicate" | "insertFailed" | "stopping"
  readonly pid: number
  readonly at: number
  readonly scheduledAt?: number
}

interface Runner extends NodeProcess {
  readonly events: Array<Event>
}

const startRunner = (options: Record<string, unknown>): Runner => {
  const events: Array<Event> = []
  const runner = spawnNode(fixture, [JSON.stringify(options)], {
    cwd: clusterPackage,
    onLine: (line) => {
      if (line.startsWith("{\"event\"")) events.push(JSON.parse(line))
    }
  })
  return Object.assign(runner, { events })
}

const timeoutMs = 90_000

interface Measurement {
  readonly takeoverMs: number
  readonly doubleRuns: number
}

/** Three fresh runners; once one of them has run 3 ticks in a row, it gets `signal`; until another holds it. */
const measure = async (storage: Record<string, string>, signal: "SIGKILL" | "SIGTERM"): Promise<Measurement> => {
  const runners: Array<Runner> = []
  try {
    // three distinct ports (held together while chosen)
    for (const port of await freePorts(3)) runners.push(startRunner({ port, ...storage }))
    await waitFor(
      "three ready runners",
      () => runners.every((r) => r.events.some((e) => e.event === "ready")),
      timeoutMs,
      runners
    )
    // settled: the latest three runs (after every runner joined) by the same runner
    let holder: Runner | undefined
    const allReady = Math.max(...runners.map((r) => r.events.find((e) => e.event === "ready")!.at))
    await waitFor(
      "a settled holder",
      () => {
        const latest = runners.flatMap((r) => r.events.filter((e) => e.event === "run")).sort((a, b) => a.at - b.at)
          .slice(-3)
        const settled = latest.length === 3 && latest.every((e) => e.pid === latest[0].pid && e.at > allReady + 1000)
        holder = settled ? runners.find((r) => r.pid === latest[0].pid) : undefined
        return holder !== undefined
      },
      timeoutMs,
      runners
    )
    const signalledAt = Date.now()
    holder!.child.kill(signal)
    let takeoverAt = 0
    await waitFor(
      "a takeover",
      () => {
        for (const runner of runners) {
          if (runner === holder) continue
          const holding = runner.events.find((e) => e.event === "holding" && e.at >= signalledAt)
          if (holding !== undefined) takeoverAt = holding.at
        }
        return takeoverAt > 0
      },
      timeoutMs,
      runners
    )
    // two more ticks, to see double runs if there were any
    await waitFor(
      "ticks after the takeover",
      () =>
        runners.some((r) => r !== holder && r.events.filter((e) => e.event === "run" && e.at > takeoverAt).length >= 2),
      timeoutMs,
      runners
    )
    const ticks = runners.flatMap((r) => r.events.filter((e) => e.event === "run").map((e) => e.scheduledAt!))
    const duplicates = runners.flatMap((r) => r.events.filter((e) => e.event === "duplicate")).length
    return {
      takeoverMs: takeoverAt - signalledAt,
      doubleRuns: Math.max(duplicates, ticks.length - new Set(ticks).size)
    }
  } finally {
    await killAll(runners)
  }
}

const format = (values: ReadonlyArray<number>): string => {
  const sorted = [...values].sort((a, b) => a - b)
  const median = sorted.length % 2 === 1 ?
    sorted[(sorted.length - 1) / 2] :
    (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2
  const s = (ms: number) => (ms / 1000).toFixed(2)
  return `${s(median)} [${s(sorted[0])}–${s(sorted[sorted.length - 1])}]`
}

/**
 * @since 0.1.0
 * @category sections
 */
export const cluster: Section = {
  id: "cluster",
  title: "Cluster takeover (@effect-repeater/cluster)",
  run: async ({ log, smoke }) => {
    // two repeats per case: a measurement takes 10 to 15 s (three fresh runners, a settled holder, the takeover and
    // two more ticks), and the eight of them fit the benchmark's 10 minutes with the core sections
    const repeats = smoke ? 1 : 2
    const cases: Array<{ storage: "SQLite" | "PostgreSQL"; signal: "SIGKILL" | "SIGTERM" }> = smoke ?
      [{ storage: "SQLite", signal: "SIGKILL" }] :
      [
        { storage: "SQLite", signal: "SIGKILL" },
        { storage: "SQLite", signal: "SIGTERM" },
        { storage: "PostgreSQL", signal: "SIGKILL" },
        { storage: "PostgreSQL", signal: "SIGTERM" }
      ]
    const dir = mkdtempSync(join(tmpdir(), "bench-cluster-"))
    let postgres: Postgres | undefined
    const rows: Array<string> = []
    let n = 0
    try {
      for (const { signal, storage } of cases) {
        if (storage === "PostgreSQL" && postgres === undefined) postgres = await startPostgres()
        const results: Array<Measurement> = []
        for (let i = 0; i < repeats; i++) {
          const name = `takeover${++n}`
          let options: Record<string, string>
          if (storage === "PostgreSQL") {
            postgres!.createDatabase(name)
            options = { pg: postgres!.url(name) }
          } else {
            options = { sqlite: join(dir, `${name}.db`) }
          }
          // one more try after a failed start (a port taken in between, a machine too loaded): logged, not hidden
          const result = await measure(options, signal).catch((error) => {
            log(`${storage} ${signal}: measurement failed, trying once more: ${String(error)}`)
            if (storage === "PostgreSQL") postgres!.createDatabase(`${name}b`)
            return measure(
              storage === "PostgreSQL" ? { pg: postgres!.url(`${name}b`) } : { sqlite: join(dir, `${name}b.db`) },
              signal
            )
          })
          log(`${storage} ${signal}: takeover in ${result.takeoverMs} ms, double runs ${result.doubleRuns}`)
          results.push(result)
        }
        const doubleRuns = results.reduce((sum, r) => sum + r.doubleRuns, 0)
        rows.push(
          `| ${storage} | ${signal} | ${format(results.map((r) => r.takeoverMs))} | ${doubleRuns} | ${results.length} |`
        )
      }
    } finally {
      postgres?.stop()
      rmSync(dir, { recursive: true, force: true })
    }
    return [
      "Three runner processes on 127.0.0.1 (`packages/cluster/test/fixtures/runner.ts`), one cluster repeater ticking every",
      "second in rate mode with `missed: \"runOnce\"`, the default timings of `ClusterRunner.layer` (lock refresh 1 s, lock",
      "expiry 3 s, assignment refresh 500 ms, health check 2 s, message poll 1 s). Takeover = from the signal to the holder",
      "to the moment another runner holds the singleton (its log line). Double runs = ticks run twice (a PRIMARY KEY",
      "insert failed, or the same scheduled instant reported twice). Fresh processes and a fresh database per repeat;",
      `${repeats} repeats per case (a repeat takes 10 to 15 s; two per case rather than three save about 45 s of the whole benchmark).`,
      "",
      "| storage | signal | takeover s, median [min–max] | double runs | repeats |",
      "|---|---|---|---|---|",
      ...rows,
      ""
    ].join("\n")
  }
}
