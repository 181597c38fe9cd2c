/**
 * `pnpm bench`: runs every section (or those of `--only <id>`), prints figures as it goes and writes
 * `docs/benchmarks.md`; `--smoke` runs tiny sizes once and writes `build/benchmarks-smoke.md` instead.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describeEnvironment } from "./internal/environment.js"
import { dataPath, documentPath, smokeDocumentPath } from "./internal/paths.js"
import { parseArguments, plan, updateDocument } from "./internal/runner.js"
import { sections } from "./sections/index.js"

const log = (line: string) => process.stdout.write(`${line}\n`)

const loadAverage = () => os.loadavg().map((l) => l.toFixed(1)).join(", ")

/** One run of the runner, kept in `docs/benchmarks.json` so that a partial run does not hide the full run's figures. */
interface RunRecord {
  readonly finished: string
  readonly command: string
  readonly minutes: number
  readonly sections: string
  readonly load: string
}

const isRunRecord = (value: unknown): value is RunRecord =>
  typeof value === "object" && value !== null && "command" in value && typeof value.command === "string" &&
  "finished" in value && "minutes" in value && "sections" in value && "load" in value

/** Adds the run to the stored ones (the latest ten) and returns them. */
const recordRun = (run: RunRecord): Array<RunRecord> => {
  let json: Record<string, unknown> = {}
  if (existsSync(dataPath)) {
    const parsed: unknown = JSON.parse(readFileSync(dataPath, "utf8"))
    if (typeof parsed === "object" && parsed !== null) json = { ...parsed }
  }
  const stored = Array.isArray(json.runs) ? json.runs.filter(isRunRecord) : []
  const runs = [...stored, run].slice(-10)
  json.runs = runs
  mkdirSync(path.dirname(dataPath), { recursive: true })
  writeFileSync(dataPath, `${JSON.stringify(json, null, 1)}\n`)
  return runs
}

const main = async () => {
  const args = parseArguments(process.argv.slice(2))
  const toRun = plan(sections, args.only, args.smoke)
  const environment = describeEnvironment()
  const loadAtStart = loadAverage()
  log(environment)
  const started = performance.now()
  const blocks = new Map<string, string>()
  const durations: Array<string> = []
  for (const section of toRun) {
    log(`\n## ${section.title} (${section.id})`)
    const t = performance.now()
    blocks.set(section.id, await section.run({ smoke: args.smoke, log }))
    const seconds = (performance.now() - t) / 1000
    durations.push(`${section.id} ${seconds.toFixed(0)} s`)
    log(`(${section.id}: ${seconds.toFixed(1)} s)`)
  }
  const total = (performance.now() - started) / 1000
  const run: RunRecord = {
    finished: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    command: `pnpm bench${args.smoke ? " --smoke" : ""}${args.only.length > 0 ? ` --only ${args.only.join(",")}` : ""}`,
    minutes: Number((total / 60).toFixed(1)),
    sections: durations.join(", "),
    load: `${loadAtStart} at the start, ${loadAverage()} at the end`
  }
  const runs = args.smoke ? [run] : recordRun(run)
  const lastFull = [...runs].reverse().find((r) => r.command === "pnpm bench")
  const describe = (r: RunRecord) =>
    `\`${r.command}\`, finished ${r.finished}, took ${r.minutes} minutes (${r.sections}); load average ${r.load}`
  const about = {
    id: "about",
    title: "Machine, versions and method",
    body: [
      environment,
      ...(lastFull === undefined ? [] : [`- Last full run: ${describe(lastFull)}`]),
      ...(run === lastFull ? [] : [`- Latest run: ${describe(run)}`]),
      "",
      "Every measurement runs in a fresh `node --expose-gc` process: the scenario script (`packages/bench/src/" +
      "scenario/`) imports `@effect-repeater/core` and the peers as a user would, and is bundled once per run with " +
      "esbuild into `packages/bench/build/scenario/` so that no TypeScript loader runs in the measured processes. " +
      "Each process prints one JSON line of figures; every figure of the latest run is in `docs/benchmarks.json`. " +
      "Every cell is the median of the repeats [min–max]; (×r) is the ratio of its median to the floor's median, " +
      "the floor being a raw `setTimeout` chain per repeater. The repeats of one table are interleaved (repeat 1 of " +
      "every row, then repeat 2 …) so that a change in the machine's load does not fall on one row. Every repeater " +
      "runs a no-op task and waits one interval before its first run: the peers by default, plain Effect through " +
      "`Effect.schedule` (wait-first), the `Repeater` with `waitFirst: true` and its defaults otherwise " +
      "(`Repeater.layer`, `Repeater.fork` of all repeaters into one `Scope`, closed to stop them; the `forkAll` row: " +
      "one `Repeater.forkAll` per batch into that `Scope`). The kernel rows run the kernel alone, no Effect: its " +
      "dispatcher on Node's clocks and timers, its triggers and lifecycle driving a plain callback per repeater " +
      "(`packages/bench/src/scenario/kernelRepeater.ts`). Plain Effect forks " +
      "one fiber per repeater with `Effect.forkIn(scope)` inside one `Effect.runPromise(Effect.forEach(…))`.",
      "",
      "The machine may be shared with other work while the benchmark runs: compare rows of the same run (the ratios), " +
      "not runs of different days."
    ].join("\n")
  }
  const target = args.smoke ? smokeDocumentPath : documentPath
  const existing = !args.smoke && existsSync(target) ? readFileSync(target, "utf8") : undefined
  mkdirSync(path.dirname(target), { recursive: true })
  writeFileSync(target, updateDocument(existing, sections, about, blocks))
  log(`\nwrote ${path.relative(process.cwd(), target)} in ${total.toFixed(1)} s (${(total / 60).toFixed(1)} min)`)
  log(`per section: ${durations.join(", ")}`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
  process.exit(1)
})
