/**
 * The Effect 4 line: its `Repeater` (`effect4/packages/core`) next to the floor and plain Effect 4, all three
 * measured under Node 22 in the same run. The scenario script lives on the Effect 4 side (`effect4/bench/`, which
 * this package cannot import: it is on Effect 4); it measures through this package's `harness/`, and is bundled here
 * with esbuild and run by the Node 22 binary of `scripts/node22.mjs`, one fresh process per measurement.
 *
 * @since 0.1.0
 */
import { build } from "esbuild"
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { packageDir, runBundled, ScenarioError } from "../internal/child.js"
import { renderTable } from "../internal/markdown.js"
import { dataPath, rootDir } from "../internal/paths.js"
import { formatCount, formatNumber, formatRatio, formatSummary, summarize } from "../internal/stats.js"
import type { M1Figures, M3Figures, M4Figures, M5Figures, ScenarioParameters } from "../scenario/protocol.js"
import type { Section } from "../Section.js"

const effect4Dir = path.join(rootDir, "effect4")

/** The rows: the ids of `effect4/bench/src/impls.ts`. */
const rows: ReadonlyArray<{ readonly impl: string; readonly label: string }> = [
  { impl: "raw", label: "raw setTimeout chain (floor)" },
  { impl: "effectSpaced", label: "plain Effect 4 `Schedule.spaced`, fiber each" },
  { impl: "repeaterDelay", label: "**Effect 4 Repeater**, defaults" }
]
const floor = "raw"
const plain = "effectSpaced"
const ours = "repeaterDelay"

interface Sizes {
  readonly repeats: number
  readonly memory: number
  readonly capacity: { readonly n: number; readonly batch: number }
  readonly cpu: { readonly n: number; readonly intervalMs: number; readonly durationMs: number }
  readonly lateness: { readonly n: number; readonly intervalMs: number; readonly ticks: number }
}

const fullSizes: Sizes = {
  repeats: 3,
  memory: 100_000,
  capacity: { n: 1_000_000, batch: 100_000 },
  cpu: { n: 1_000, intervalMs: 10, durationMs: 5_000 },
  lateness: { n: 100, intervalMs: 50, ticks: 100 }
}

const smokeSizes: Sizes = {
  repeats: 1,
  memory: 1_000,
  capacity: { n: 3_000, batch: 1_000 },
  cpu: { n: 50, intervalMs: 10, durationMs: 300 },
  lateness: { n: 10, intervalMs: 20, ticks: 2 }
}

const hour = 3_600_000

/** The time limit of plain Effect 4's run at the capacity size. */
const plainCapacityLimitMs = 180_000

/** One figure of a process, with the 1-minute load average of the machine as it started. */
interface Measured<F> {
  readonly figures: F
  readonly load: number
}

/** Every figure of the section, by implementation. */
export interface Effect4Results {
  readonly node: string
  readonly measured: string
  readonly memory: Record<string, Array<Measured<M1Figures>>>
  readonly capacity: Record<string, Array<Measured<M5Figures>>>
  /** The rows whose capacity run did not end within its time limit (ms), by implementation. */
  readonly capacityGivenUp: Record<string, number>
  readonly cpu: Record<string, Array<Measured<M3Figures>>>
  readonly lateness: Record<string, Array<Measured<M4Figures>>>
}

const storeResults = (results: Effect4Results) => {
  let json: Record<string, unknown> = {}
  if (existsSync(dataPath)) {
    const parsed: unknown = JSON.parse(readFileSync(dataPath, "utf8"))
    if (typeof parsed === "object" && parsed !== null) json = { ...parsed }
  }
  json.effect4 = results
  mkdirSync(path.dirname(dataPath), { recursive: true })
  writeFileSync(dataPath, `${JSON.stringify(json, null, 1)}\n`)
}

/** The Node 22 binary of the Effect 4 line (`scripts/node22.mjs` installs it once when it is missing). */
const node22 = (): string =>
  execFileSync(process.execPath, [path.join(rootDir, "scripts", "node22.mjs")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"]
  }).trim()

/** `effect4/bench/src/scenario.ts` bundled into `build/effect4/scenario.mjs`, its `effect` being the Effect 4 one. */
const bundleScenario = async (): Promise<string> => {
  if (!existsSync(path.join(effect4Dir, "node_modules", "effect"))) {
    throw new Error(
      "the Effect 4 workspace is not installed: run `npx -y pnpm@10 check:effect4` once, or install it as " +
        "effect4/README.md says"
    )
  }
  const outfile = path.join(packageDir, "build", "effect4", "scenario.mjs")
  await build({
    entryPoints: [path.join(effect4Dir, "bench", "src", "scenario.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    logLevel: "warning"
  })
  return outfile
}

const parameters = (
  p: Partial<ScenarioParameters> & Pick<ScenarioParameters, "measure" | "impl">
): ScenarioParameters => ({ n: 0, intervalMs: hour, durationMs: 0, ticks: 0, idleMs: 0, batch: 0, ...p })

const load1 = (): number => os.loadavg()[0] ?? Number.NaN

// -----------------------------------------------------------------------------
// cells
// -----------------------------------------------------------------------------

const med = (values: ReadonlyArray<number>): number => summarize(values).median

/** "median [min–max] (×ratio to the floor's median)". */
const cell = (values: ReadonlyArray<number>, floorValues?: ReadonlyArray<number>): string => {
  const text = formatSummary(summarize(values))
  if (floorValues === undefined || text === "–") return text
  const ratio = formatRatio(med(values), med(floorValues))
  return ratio === "–" ? text : `${text} (${ratio})`
}

const loadCell = (runs: ReadonlyArray<Measured<unknown>>): string =>
  formatSummary(summarize(runs.map((r) => r.load)), (l) => l.toFixed(1))

const fits = (figures: M1Figures): figures is Extract<M1Figures, { fits: true }> => figures.fits

/** A figure of every repeat of `impl` (NaN where it does not exist). */
const pick = <F>(
  table: Record<string, Array<Measured<F>>>,
  impl: string,
  figure: (f: F) => number
): Array<number> => (table[impl] ?? []).map((r) => figure(r.figures))

const memoryFigure = (figure: (f: Extract<M1Figures, { fits: true }>) => number) => (f: M1Figures): number =>
  fits(f) ? figure(f) : Number.NaN

const capacityStop = (f: M5Figures): number => f.stopMs ?? Number.NaN

// -----------------------------------------------------------------------------
// targets
// -----------------------------------------------------------------------------

interface Verdict {
  readonly met: boolean
  readonly text: string
}

/** The targets of the Effect 4 `Repeater` with its defaults, decided from the medians. */
const verdicts = (results: Effect4Results, sizes: Sizes): Array<Verdict> => {
  const m = <F>(table: Record<string, Array<Measured<F>>>, impl: string, figure: (f: F) => number) =>
    med(pick(table, impl, figure))
  const heap = memoryFigure((f) => f.heapPerRepeater)
  const cpuPerTick = m(results.cpu, ours, (f) => f.cpuUsPerTick)
  const achieved = m(results.cpu, ours, (f) => f.achievedPercent)
  const heapPerRepeater = m(results.memory, ours, heap)
  const p99 = m(results.lateness, ours, (f) => f.p99)
  const verdict = (met: boolean, target: string, figures: string): Verdict => ({
    met,
    text: `target **${met ? "met" : "missed"}**: ${target} — ${figures}`
  })
  /** Plain Effect 4 at the capacity size: infinite when it did not fit or did not end within its time limit. */
  const plainCapacity = (figure: (f: M5Figures) => number) => {
    if (results.capacityGivenUp[plain] !== undefined) return Number.POSITIVE_INFINITY
    // a run that did not fit gives no finite figure, which the median leaves out (NaN)
    const median = m(results.capacity, plain, figure)
    return Number.isNaN(median) ? Number.POSITIVE_INFINITY : median
  }
  /** Lower is better for every figure below but the ticks achieved. */
  const ahead: Array<[string, number, number, boolean]> = [
    [`heap per idle repeater (${formatCount(sizes.memory)})`, heapPerRepeater, m(results.memory, plain, heap), false],
    [
      `start of ${formatCount(sizes.memory)}`,
      m(results.memory, ours, memoryFigure((f) => f.startMs)),
      m(results.memory, plain, memoryFigure((f) => f.startMs)),
      false
    ],
    [
      `stop of ${formatCount(sizes.memory)}`,
      m(results.memory, ours, memoryFigure((f) => f.stopMs)),
      m(results.memory, plain, memoryFigure((f) => f.stopMs)),
      false
    ],
    [
      `start of ${formatCount(sizes.capacity.n)}`,
      m(results.capacity, ours, (f) => f.reached === f.target ? f.startMs : Number.NaN),
      plainCapacity((f) => f.reached === f.target ? f.startMs : Number.POSITIVE_INFINITY),
      false
    ],
    [
      `stop of ${formatCount(sizes.capacity.n)}`,
      m(results.capacity, ours, capacityStop),
      plainCapacity((f) => f.stopMs ?? Number.POSITIVE_INFINITY),
      false
    ],
    ["CPU per tick", cpuPerTick, m(results.cpu, plain, (f) => f.cpuUsPerTick), false],
    ["ticks achieved", achieved, m(results.cpu, plain, (f) => f.achievedPercent), true],
    ["lateness p99", p99, m(results.lateness, plain, (f) => f.p99), false]
  ]
  const behind = ahead.filter(([, ours, theirs, higherIsBetter]) =>
    !(higherIsBetter ? ours >= theirs : ours < theirs || (ours === theirs && Number.isFinite(ours)))
  )
  const show = (value: number) => Number.isFinite(value) ? formatNumber(value) : "did not fit or did not end"
  return [
    verdict(
      cpuPerTick <= 3 && achieved >= 99,
      `at most 3 µs of CPU per tick with at least 99% of ticks achieved at ${formatCount(sizes.cpu.n)} × ` +
        `${sizes.cpu.intervalMs} ms`,
      `${formatNumber(cpuPerTick)} µs, ${formatNumber(achieved)}%`
    ),
    verdict(heapPerRepeater <= 600, "at most 600 B per idle repeater", `${formatNumber(heapPerRepeater)} B`),
    verdict(
      p99 <= 2,
      `lateness p99 at most 2 ms at ${formatCount(sizes.lateness.n)} × ${sizes.lateness.intervalMs} ms`,
      `${formatNumber(p99)} ms`
    ),
    verdict(
      behind.length === 0,
      "ahead of plain Effect 4 on every figure",
      behind.length === 0 ?
        "on all " + String(ahead.length) :
        `behind on ${
          behind.map(([name, ours, theirs]) => `${name} (${show(ours)} against ${show(theirs)})`).join(", ")
        }`
    )
  ]
}

/**
 * What limits the figures of the Effect 4 `Repeater`, from profiles of its scenario (heap snapshots before and after
 * 20,000 idle repeaters; `node --cpu-prof` of the CPU scenario). Kept by hand: profile again after a change to the
 * core's run path or to what an idle repeater holds.
 */
const limits = [
  "### What limits the Effect 4 Repeater",
  "",
  "Profiled with the bundled scenario (`packages/bench/build/effect4/scenario.mjs`, written by the run) under Node 22: " +
  "`node --expose-gc --cpu-prof scenario.mjs '{\"measure\":\"m3\",\"impl\":\"repeaterDelay\",\"n\":1000," +
  "\"intervalMs\":10,\"durationMs\":5000,\"ticks\":0,\"idleMs\":0,\"batch\":0}'` (and `effectSpaced` for plain " +
  "Effect 4), and `v8.writeHeapSnapshot()` before and after forking 20,000 idle repeaters, the two snapshots compared " +
  "by constructor.",
  "",
  "- **Heap per idle repeater** (704 B at 100,000 in the run of 2026-12-04; 567 B since repeaters forked with the " +
  "same options but their name share one decoded configuration, as in the Effect 3 core: measured 2026-12-05 " +
  "00:31 UTC with the bundled scenario, `{\"measure\":\"m1\",\"impl\":\"repeaterDelay\",\"n\":100000,...}`, " +
  "under Node 22 567 B in two runs against 704–705 B for the code before, load average 9–15; 475 B since forks in " +
  "a row share one finalizer of their Scope: measured 2026-12-05 02:26 UTC the same way, one run, against 567 B " +
  "for the code before in the same minutes, load average about 10; the floor's 298 B is its `Timeout` and " +
  "closure). Per repeater the snapshots held: the `RepeaterImpl` (192 B: its fields), its decoded options " +
  "(`RepeaterConfig`, 96 B) and `every` trigger (`EveryDelay`, 32 B), now one of each for all the repeaters of the " +
  "scenario, 5.2 boxed doubles (83 B: V8 keeps a field holding a fractional number, such as a due time read from " +
  "`performance.now()`, as a 16 B `HeapNumber` of its own), its entries in the service's registry `Map`, in the " +
  "dispatcher's heap and in the service's table of its Scope, and the task itself (`Effect.sync` and its " +
  "closure, 88 B, which the floor and plain Effect 4 hold as well). No fiber, no timer, and no finalizer of its " +
  "own: `Scope.addFinalizerExit` makes a new key object (56 B) and `Map` entry per call, so the repeaters forked " +
  "one after another share one finalizer, and one forked after another finalizer was added to the Scope gets a new " +
  "one (which keeps its place in the Scope's release order). What is left to take is the boxed doubles (times " +
  "kept as integers would be small integers).",
  "- **What ended repeaters leave**: 100,000 uniquely named repeaters that ran once and ended, as in the Effect 3 " +
  "line's table (`{\"measure\":\"ended\",\"impl\":\"repeaterDelay\",\"n\":100000,\"scope\":\"shared\"|" +
  "\"own\",...}` with the bundled scenario, Node 22, 2026-12-05 02:25 UTC, one run each, load average about 10): " +
  "3.67 MiB left with all of them in one Scope that stays open (13.4 MiB for the code before, when each fork " +
  "left its key object and `Map` entry in the Scope), 4.26 MiB with each in a Scope of its own, closed when it " +
  "ended; target under 10 MiB. Heap snapshots compared by constructor hold nothing per repeater, only the metric " +
  "series of the first 1,000 names.",
  "- **CPU per tick and ticks achieved**: 7.06 µs and 85.6% on 2026-12-05 01:10 UTC (plain Effect 4 4.55 µs and " +
  "91.5%); now below 3 µs and about 96%, ahead of plain Effect 4 (the table above). A CPU profile of the code of " +
  "then (`--cpu-prof`, the command above) put about a fifth of a run's CPU in its five metric updates (each " +
  "Effect 4 `Metric.updateUnsafe` looks its series up in the context's `MetricRegistry`), and about a sixth in " +
  "making the run's context (a merge, which copies the repeater's context, and then a new fiber context cache for " +
  "each run). Now a repeater counts its metrics in plain fields that the registry reads when it is read " +
  "(`Metric.registerUnsafe`, registered on a name's first run and shared by the services of one registry), a " +
  "run's context is three layers over the repeater's (`Context.add`, which keeps its fiber context cache), a " +
  "run's Scope without finalizers is closed without an effect, and the monotonic clock is read with " +
  "`performance.now()`. Ticks achieved rose with the dispatcher's timer resolution: a `setTimeout` may wake up to " +
  "a millisecond early by `performance.now()`, and the repeaters due within that millisecond now run in that turn " +
  "instead of waiting another timer (each of them waited about a millisecond more before, and a delay-mode tick " +
  "starts one interval after the previous run's end). What a run costs now is the Effect 4 fiber it runs in (its " +
  "`FiberImpl`, run loop and exits) and about 2 KB of allocations (a sampling heap profile that keeps collected " +
  "objects: 523 MB over about 260,000 runs), of which the three context layers are about 560 B. 99% of ticks is " +
  "above what the floor achieves here (about 98.5%): in delay mode a tick starts one interval after the " +
  "previous run's end, and every timer wakes a little late, so the target is missed on its second half only.",
  "- **Lateness p99**: 5.85 ms on 2026-12-05 01:10 UTC, now about 2 ms, behind plain Effect 4 (the table). " +
  "With one timer per service, repeaters that come due within the same millisecond run in the same timer turn, " +
  "so the 100 repeaters forked together stay one turn of 100 runs, 1% of the ticks: the p99 is the longest pause " +
  "that lands in one of those turns in the 5 s (the 120 latest ticks of a run fall in one to three turns). The " +
  "pauses are V8's young-generation collections (1 to 3 ms each, one every 0.5 to 0.9 s by `--trace-gc`; plain " +
  "Effect 4 has as many) and, early on, code being optimised: before the warm-up with runs the first turn alone " +
  "set the p99 (about 4 ms late for every first run, in V8's interpreter). Plain Effect 4's fibers have a timer " +
  "each, set from the event loop's clock of the turn (read at its start, so a little early), where the " +
  "dispatcher rounds its wait up from the moment it arms (hence plain Effect 4's lower median), and a pause " +
  "delays part of one of its turns rather than all of it. Fewer allocations per run (fewer " +
  "collections) is what is left to make the tail shorter.",
  ""
].join("\n")

// -----------------------------------------------------------------------------
// the section
// -----------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category sections
 */
export const effect4: Section = {
  id: "effect4",
  title: "The Effect 4 line: its Repeater next to the floor and plain Effect 4 (Node 22)",
  // a few minutes at full size, and it needs the Effect 4 workspace installed: run it with --only
  smoke: false,
  run: async ({ log, smoke }) => {
    const sizes = smoke ? smokeSizes : fullSizes
    const node = node22()
    const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim()
    const script = await bundleScenario()
    log(`effect4: Node ${version} (${node}), scenario ${path.relative(rootDir, script)}`)
    const measure = async <F>(
      table: Record<string, Array<Measured<F>>>,
      p: ScenarioParameters,
      describe: (f: F) => string,
      timeoutMs = 600_000
    ) => {
      const load = load1()
      const figures = await runBundled<F>(script, p, timeoutMs, node)
      ;(table[p.impl] ??= []).push({ figures, load })
      log(`effect4 ${p.measure} ${p.impl}: ${describe(figures)} (load ${load.toFixed(1)})`)
    }
    const results: Effect4Results = {
      node: version,
      measured: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${sizes.repeats} repeats`,
      memory: {},
      capacity: {},
      capacityGivenUp: {},
      cpu: {},
      lateness: {}
    }
    // the repeats of a table are interleaved: repeat 1 of every row, then repeat 2 …
    for (let r = 0; r < sizes.repeats; r++) {
      for (const { impl } of rows) {
        await measure(
          results.memory,
          parameters({ measure: "m1", impl, n: sizes.memory }),
          (f: M1Figures) =>
            fits(f) ?
              `${formatNumber(f.heapPerRepeater)} B/repeater, start ${formatNumber(f.startMs)} ms, stop ${
                formatNumber(f.stopMs)
              } ms` :
              `did not fit (${f.reached})`
        )
      }
    }
    for (let r = 0; r < sizes.repeats; r++) {
      for (const { impl } of rows) {
        // plain Effect 4 at 1M nears the heap limit (about 4 KB a fiber) and spends minutes collecting garbage on a
        // loaded machine: one run of it, given up after a time limit
        if (r > 0 && impl === plain) continue
        await measure(
          results.capacity,
          parameters({ measure: "m5", impl, n: sizes.capacity.n, batch: sizes.capacity.batch }),
          (f: M5Figures) =>
            `${formatCount(f.reached)} of ${formatCount(f.target)}, start ${formatNumber(f.startMs)} ms, stop ${
              f.stopMs === undefined ? "–" : formatNumber(f.stopMs)
            } ms`,
          impl === plain ? plainCapacityLimitMs : 600_000
        ).catch((error: unknown) => {
          if (!(error instanceof ScenarioError) || impl !== plain) throw error
          results.capacityGivenUp[impl] = plainCapacityLimitMs
          log(`effect4 m5 ${impl}: given up after ${plainCapacityLimitMs / 1000} s`)
        })
      }
    }
    for (let r = 0; r < sizes.repeats; r++) {
      for (const { impl } of rows) {
        await measure(
          results.cpu,
          parameters({ measure: "m3", impl, ...sizes.cpu, warmUpRuns: true }),
          (f: M3Figures) =>
            `${formatNumber(f.cpuUsPerTick)} µs CPU/tick, ${formatNumber(f.achievedPercent)}% of ${f.expected} ticks`
        )
      }
    }
    for (let r = 0; r < sizes.repeats; r++) {
      for (const { impl } of rows) {
        await measure(
          results.lateness,
          parameters({ measure: "m4", impl, ...sizes.lateness, warmUpRuns: true }),
          (f: M4Figures) => `lateness p50 ${formatNumber(f.p50)} ms, p99 ${formatNumber(f.p99)} ms`
        )
      }
    }
    if (!smoke) storeResults(results)
    const targets = verdicts(results, sizes)
    for (const t of targets) log(t.text)
    return render(results, sizes)
  }
}

/** The section's Markdown from its figures (`sizes`: those they were measured at). */
export const render = (results: Effect4Results, sizes: Sizes = fullSizes): string => {
  const version = results.node
  const memoryRows = rows.map(({ impl, label }) => {
    const f = (figure: (f: Extract<M1Figures, { fits: true }>) => number) =>
      cell(pick(results.memory, impl, memoryFigure(figure)), pick(results.memory, floor, memoryFigure(figure)))
    const capacityFloor = (figure: (f: M5Figures) => number) => pick(results.capacity, floor, figure)
    const capacityRuns = results.capacity[impl] ?? []
    const fitted = capacityRuns.filter((r) => r.figures.reached === r.figures.target)
    const startAll = (f: M5Figures) => f.startMs
    const givenUp = results.capacityGivenUp[impl]
    return [
      label,
      f((x) => x.heapPerRepeater),
      f((x) => x.startMs),
      f((x) => x.stopMs),
      loadCell(results.memory[impl] ?? []),
      givenUp !== undefined ?
        `not done within ${givenUp / 1000} s` :
        fitted.length === capacityRuns.length ?
        cell(pick(results.capacity, impl, startAll), capacityFloor(startAll)) :
        `did not fit: ${
          capacityRuns.map((r) => formatCount(r.figures.reached)).join(", ")
        } reached before 90% of the heap limit`,
      cell(pick(results.capacity, impl, capacityStop), capacityFloor(capacityStop)),
      loadCell(capacityRuns)
    ]
  })
  const cpuRows = rows.map(({ impl, label }) => [
    label,
    cell(pick(results.cpu, impl, (f) => f.cpuUsPerTick), pick(results.cpu, floor, (f) => f.cpuUsPerTick)),
    cell(pick(results.cpu, impl, (f) => f.achievedPercent)),
    cell(pick(results.cpu, impl, (f) => f.cpuPercentOfCore)),
    loadCell(results.cpu[impl] ?? [])
  ])
  const latenessRows = rows.map(({ impl, label }) => [
    label,
    cell(pick(results.lateness, impl, (f) => f.p50)),
    cell(pick(results.lateness, impl, (f) => f.p99)),
    cell(pick(results.lateness, impl, (f) => f.max)),
    cell(pick(results.lateness, impl, (f) => f.missing)),
    loadCell(results.lateness[impl] ?? [])
  ])
  const targets = verdicts(results, sizes)
  const n = formatCount(sizes.memory)
  const big = formatCount(sizes.capacity.n)
  return [
    `Measured ${results.measured} with \`pnpm bench --only effect4\`, under Node ${version} (the Effect 4 ` +
    "line's runtime; the other sections run under the Node of the Effect 3 line), all three rows in the same run " +
    "so that they compare: the scenario script `effect4/bench/src/scenario.ts` measures through the same code as " +
    "the Effect 3 line's (`packages/bench/src/harness/`), one fresh `node --expose-gc` process per cell and repeat, " +
    "repeats interleaved. The floor is the same raw `setTimeout` chain; plain Effect 4 forks one fiber per " +
    "repeater (`Effect.forkIn` a `Scope`) running `Effect.schedule(task, Schedule.spaced(interval))`; the Effect 4 " +
    "`Repeater` runs with its defaults (`Repeater.layer`, delay mode, `waitFirst: true`), every repeater forked " +
    "with `Repeater.fork` into one `Scope`, closed to stop them. Before the CPU and lateness figures, each process " +
    "warms up: 200 repeaters of its row run at the measured interval for 60 intervals (at least 1 s) and stop, " +
    "so that those figures are of compiled code, as in a process that has been running, not of V8's interpreter " +
    "running each row's code for the first time (the Effect 3 sections measure without it). " +
    "Every cell is the median of the repeats " +
    "[min–max] (×r: ratio to the floor's median); the load column is the machine's 1-minute load average as each " +
    `repeat started (2 cores).`,
    "",
    ...targets.map((t) => `- ${t.text}`),
    "",
    limits,
    `### Memory, start and stop (${n} idle repeaters; ${big} in batches of ${formatCount(sizes.capacity.batch)})`,
    "",
    `Heap per idle repeater after a full GC, and the time to start and to stop them all. ${big}: plain Effect 4 ` +
    "is run once (its fibers take minutes of garbage collection at that size on a loaded machine; given up after " +
    `${plainCapacityLimitMs / 1000} s).`,
    "",
    renderTable(
      [
        "",
        "heap per idle repeater, B",
        `start ${n}, ms`,
        `stop ${n}, ms`,
        "load",
        `start ${big}, ms`,
        `stop ${big}, ms`,
        "load"
      ],
      memoryRows
    ),
    `### CPU per tick (${formatCount(sizes.cpu.n)} repeaters every ${sizes.cpu.intervalMs} ms, ${
      sizes.cpu.durationMs / 1000
    } s)`,
    "",
    renderTable(["", "CPU per tick, µs", "ticks achieved, %", "CPU, % of a core", "load"], cpuRows),
    `### Lateness (${
      formatCount(sizes.lateness.n)
    } repeaters every ${sizes.lateness.intervalMs} ms, ${sizes.lateness.ticks} ticks each)`,
    "",
    "Lateness of each tick against its contract (delay: one interval after the previous run's end), in ms.",
    "",
    renderTable(["", "p50, ms", "p99, ms", "max, ms", "ticks missing", "load"], latenessRows)
  ].join("\n")
}
