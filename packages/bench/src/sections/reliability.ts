/**
 * Proof under load and faults: the soak of 10,000 repeaters, cluster faults, 1,000 cluster repeaters, event streams
 * under load, and the bad inputs the tests try.
 *
 * `pnpm bench --only reliability` measures every part; `BENCH_RELIABILITY=<part>[,<part>…]` (soak, faults, load,
 * streams) measures only those, the others keep their stored figures (`docs/benchmarks.json`, key `reliability`);
 * `BENCH_RELIABILITY=none` measures nothing and writes the section again from the stored figures.
 * `BENCH_FAULTS=<fault>[,<fault>…]` (database, sigstop, clock, restart) measures only those cluster faults, on both
 * storages; the other faults keep their stored rows.
 * `--smoke` runs the 60-second soak only, and fails when a tick is lost or doubled or the heap grows.
 *
 * @since 0.1.0
 */
import { startPostgres } from "@effect-repeater/testkit/Postgres"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { badInputs } from "../reliability/badInputs.js"
import { type LoadResult, runLoad } from "../reliability/clusterLoad.js"
import { renderFaults, renderLoad, renderStreams } from "../reliability/clusterRender.js"
import { runStreams, type StreamFigures } from "../reliability/eventStreamsPart.js"
import { type Fault, type FaultFigures, runFault } from "../reliability/faults.js"
import { mergeFaultRows, selectedFaults } from "../reliability/faultSelection.js"
import { renderSoak, runSoak, smokeHeapGrowthBound, smokeSoak, soakFailures } from "../reliability/soakPart.js"
import { fullSoak } from "../reliability/soakPart.js"
import type { SoakFigures } from "../reliability/soakProtocol.js"
import { loadAverage, loadPart, type Part, parts, storePart } from "../reliability/store.js"
import type { Section } from "../Section.js"

const selectedParts = (): ReadonlyArray<Part> => {
  const text = process.env.BENCH_RELIABILITY
  if (text === undefined || text.trim() === "") return parts
  if (text.trim() === "none") return []
  const selected = text.split(",").map((p) => p.trim())
  const unknown = selected.filter((p) => !parts.some((known) => known === p))
  if (unknown.length > 0) {
    throw new Error(`BENCH_RELIABILITY: unknown part ${unknown.join(", ")}; the parts are ${parts.join(", ")}`)
  }
  return parts.filter((p) => selected.includes(p))
}

/** The faults over SQLite, then over PostgreSQL (a private server, a fresh database per fault). */
const measureFaults = async (
  faults: ReadonlyArray<Fault>,
  log: (line: string) => void
): Promise<Array<FaultFigures>> => {
  const dir = mkdtempSync(join(tmpdir(), "bench-faults-"))
  const results: Array<FaultFigures> = []
  // a fault run that does not finish is logged, left out of the table, and counted below it
  const attempt = async (run: () => Promise<FaultFigures>) => {
    try {
      const figures = await run()
      log(JSON.stringify(figures))
      results.push(figures)
    } catch (error) {
      log(`a fault run did not finish: ${String(error)}`)
    }
  }
  try {
    for (const fault of faults) {
      await attempt(() => runFault({ sqlite: join(dir, `${fault}.db`) }, fault, log))
    }
    const server = await startPostgres()
    try {
      for (const fault of faults) {
        server.createDatabase(fault)
        await attempt(() => runFault({ pg: server.url(fault), server }, fault, log))
      }
    } finally {
      server.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}

/** 1,000 repeaters over PostgreSQL, then over SQLite; a storage that does not finish is reported with its error. */
const measureLoad = async (log: (line: string) => void): Promise<Array<LoadResult>> => {
  const results: Array<LoadResult> = []
  const attempt = async (storage: "SQLite" | "PostgreSQL", run: () => Promise<LoadResult>) => {
    try {
      const figures = await run()
      log(JSON.stringify(figures))
      results.push(figures)
    } catch (error) {
      log(`${storage}: ${String(error)}`)
      results.push({ storage, error: String(error) })
    }
  }
  const server = await startPostgres()
  try {
    server.createDatabase("load")
    await attempt("PostgreSQL", () => runLoad({ pg: server.url("load"), server, database: "load" }, 1000, 30_000, log))
  } finally {
    server.stop()
  }
  const dir = mkdtempSync(join(tmpdir(), "bench-load-"))
  try {
    await attempt("SQLite", () => runLoad({ sqlite: join(dir, "load.db") }, 1000, 30_000, log))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}

/**
 * @since 0.1.0
 * @category sections
 */
export const reliability: Section = {
  id: "reliability",
  title: "Reliability: proof under load and faults",
  run: async ({ log, smoke }) => {
    if (smoke) {
      log(`soak: ${smokeSoak.repeaters} repeaters for ${smokeSoak.durationMs / 1000} s`)
      const figures = await runSoak(smokeSoak)
      const failures = soakFailures(figures, smokeHeapGrowthBound)
      log(
        `soak: ${figures.runsStarted} runs, lost ${figures.lost}, doubled ${figures.doubled}, heap ${
          figures.heap.map(([s, b]) => `${s}s:${(b / 2 ** 20).toFixed(0)}MiB`).join(" ")
        }`
      )
      if (failures.length > 0) throw new Error(`the 60-second soak failed:\n${failures.join("\n")}`)
      return renderSoak({ measured: "now", load: loadAverage(), figures })
    }
    for (const part of selectedParts()) {
      const loadAtStart = loadAverage()
      log(`reliability: ${part}`)
      if (part === "soak") {
        const figures = await runSoak(fullSoak)
        log(`soak: ${figures.runsStarted} runs, lost ${figures.lost}, doubled ${figures.doubled}`)
        storePart("soak", figures, loadAtStart)
      } else if (part === "faults") {
        const fresh = await measureFaults(selectedFaults(process.env.BENCH_FAULTS), log)
        storePart("faults", mergeFaultRows(loadPart<ReadonlyArray<FaultFigures>>("faults"), fresh), loadAtStart)
      } else if (part === "load") {
        storePart("load", await measureLoad(log), loadAtStart)
      } else {
        const figures = await runStreams(500, 40, 20)
        log(`streams: /health p99 ${figures.p99} ms`)
        storePart("streams", figures, loadAtStart)
      }
    }
    return [
      "### Soak",
      "",
      renderSoak(loadPart<SoakFigures>("soak")),
      "### Cluster faults",
      "",
      renderFaults(loadPart<ReadonlyArray<FaultFigures>>("faults")),
      "### 1,000 cluster repeaters",
      "",
      renderLoad(loadPart<ReadonlyArray<LoadResult>>("load")),
      "### Event streams under load",
      "",
      renderStreams(loadPart<StreamFigures>("streams")),
      "### Bad inputs tried",
      "",
      badInputs
    ].join("\n")
  }
}
