/**
 * The soak of the reliability section: runs `soak.ts` in a fresh process and renders its figures.
 */
import { bundle, runBundled } from "../internal/child.js"
import { renderTable } from "../internal/markdown.js"
import { formatCount, formatNumber } from "../internal/stats.js"
import type { SoakFigures, SoakParameters } from "./soakProtocol.js"
import type { Stored } from "./store.js"

/** The soak of `pnpm bench`: 10,000 repeaters for 30 minutes. */
export const fullSoak: SoakParameters = {
  repeaters: 10_000,
  durationMs: 30 * 60_000,
  heapEveryMs: 60_000,
  warmUpMs: 3 * 60_000
}

/** The soak of `pnpm bench:smoke` (and so of `pnpm check`): the same repeaters for 60 seconds. */
export const smokeSoak: SoakParameters = {
  repeaters: 10_000,
  durationMs: 60_000,
  heapEveryMs: 5_000,
  warmUpMs: 35_000
}

/**
 * The heap bounds of the 60-second soak: after a full GC, the last sample may exceed the first one taken at or after
 * `smokeHeapFrom` (every period has run at least once, late as a loaded machine may be) by this factor at most, and
 * may hold `smokeHeapPerRepeater` bytes per repeater at most (the checker's own state included).
 */
export const smokeHeapGrowthBound = 1.25
export const smokeHeapFrom = 45_000
export const smokeHeapPerRepeater = 20 * 1024

/** Runs the soak in a fresh `node --expose-gc` process. */
export const runSoak = async (parameters: SoakParameters): Promise<SoakFigures> =>
  runBundled<SoakFigures>(await bundle("reliability/soak"), parameters, parameters.durationMs + 10 * 60_000)

/** What is wrong with a soak's figures (empty: nothing); the smoke run fails the check with it. */
export const soakFailures = (figures: SoakFigures, heapGrowthBound: number | undefined): Array<string> => {
  const failures: Array<string> = []
  if (figures.lost > 0) failures.push(`${figures.lost} tick(s) lost`)
  if (figures.doubled > 0) failures.push(`${figures.doubled} tick(s) run twice`)
  if (figures.executions !== figures.runsStarted) {
    failures.push(`${figures.executions} runs executed but ${figures.runsStarted} reported started`)
  }
  if (figures.errorLogs !== figures.failedRuns) {
    failures.push(`${figures.failedRuns} failed runs but ${figures.errorLogs} error log lines`)
  }
  if (heapGrowthBound !== undefined) {
    const settled = figures.heap.filter(([s]) => s * 1000 >= smokeHeapFrom)
    const first = settled[0]
    const last = settled.at(-1)
    if (first === undefined || last === undefined || first === last) failures.push("too few heap samples")
    else if (last[1] > first[1] * heapGrowthBound) {
      failures.push(
        `the heap grew from ${mib(first[1])} MiB at ${first[0]} s to ${mib(last[1])} MiB at ${last[0]} s ` +
          `(more than ×${heapGrowthBound})`
      )
    } else if (last[1] > smokeHeapPerRepeater * figures.repeaters) {
      failures.push(`the heap holds ${mib(last[1])} MiB, more than ${smokeHeapPerRepeater} B per repeater`)
    }
  }
  return failures.concat(figures.anomalies.map((a) => `  ${a}`))
}

const mib = (bytes: number): string => formatNumber(bytes / 2 ** 20)

/** The soak's Markdown. */
export const renderSoak = (stored: Stored<SoakFigures> | undefined): string => {
  if (stored === undefined) return "Not measured yet: `BENCH_RELIABILITY=soak pnpm bench --only reliability`.\n"
  const f = stored.figures
  const minutes = renderTable(
    ["minute", "runs started", "lateness p50 ms", "lateness p99 ms", "lateness max ms"],
    f.minutes.map((m) => [
      String(m.minute),
      formatCount(m.runs),
      formatNumber(m.latenessP50),
      formatNumber(m.latenessP99),
      formatNumber(m.latenessMax)
    ])
  )
  const heap = f.heap.map(([s, bytes]) => `${formatNumber(s / 60)} min: ${mib(bytes)}`).join(", ")
  return [
    `${formatCount(f.repeaters)} repeaters in one \`Repeater\` service for ${
      formatNumber(f.durationMs / 60_000)
    } minutes (\`packages/bench/src/reliability/soak.ts\`, measured ${stored.measured}; load average ${stored.load}): ` +
    `${formatCount(f.kinds.rate)} \`every\` in rate mode, ${formatCount(f.kinds.delay)} in delay mode and ` +
    `${
      formatCount(f.kinds.cron)
    } \`cron\` (seconds field), each every 10 s, 20 s or 30 s. One in ten fails every run ` +
    "(`onError: \"continue\"`), one in ten has a 100 ms `timeout` and sleeps 250 ms every second run, one in ten is " +
    "paused for 4 s and resumed (a fifth of them every 5 s); `every` repeaters start at a fixed offset within their " +
    "period, cron ones fire together on their seconds.",
    "",
    "Every tick is checked as the service reports it (`Repeater.events`, read as it comes) against the repeater's " +
    "contract: rate mode on the grid t0 + k·every, delay mode one period after the previous run's end, cron on every " +
    "match. **Lost** = an expected tick that never ran: the next run was scheduled later than it (rate, cron: by " +
    "more than half a period or 500 ms; delay: by more than half a period), or it was more than 5 s overdue when " +
    "the window closed and had still not started a minute later, and it was neither reported skipped (`TickSkipped`, a run overrunning its period) nor due " +
    "while its repeater was paused (`resume` drops those by contract). **Doubled** = a scheduled instant started a " +
    "second time, or a run index the repeated effect saw twice. The repeated effect counts its executions, which " +
    "must equal the `RunStarted` reports (no report lost), and a logger counts Error-level lines, which must equal " +
    "the failed runs (every failure logged).",
    "",
    "| runs started | executed | failed (timed out) | error log lines | ticks skipped | pauses | **lost** | " +
    "**doubled** | started while paused | CPU % of a core |",
    "|---|---|---|---|---|---|---|---|---|---|",
    `| ${formatCount(f.runsStarted)} | ${formatCount(f.executions)} | ${formatCount(f.failedRuns)} (${
      formatCount(f.timedOutRuns)
    }) | ${formatCount(f.errorLogs)} | ${formatCount(f.skippedTicks)} | ${formatCount(f.pauses)} | **${
      formatCount(f.lost)
    }** | **${formatCount(f.doubled)}** | ${formatCount(f.startedWhilePaused)} | ${formatNumber(f.cpuPercent)} |`,
    "",
    `Heap used after a full GC (MiB), by time since the start: ${heap}. Slope after the first ${
      formatNumber(fullSoak.warmUpMs / 60_000)
    } minutes (least squares): **${formatNumber(f.heapSlopeBytesPerMinute / 1024)} KiB per minute**.`,
    "",
    "Lateness (a run's start minus its scheduled instant, from `RunStarted`) per minute. It measures the machine as " +
    `much as the library: the soak process got ${formatNumber(f.cpuPercent)} % of a core on average, the load ` +
    "average above is the whole machine's, shared with other work; when the process is starved, `every` repeaters " +
    "in rate mode and cron ones skip the ticks that passed (reported as skipped), delay ones run late:",
    "",
    minutes,
    ...(f.anomalies.length === 0 ? [] : ["", "First anomalies:", "", ...f.anomalies.map((a) => `- ${a}`), ""]),
    `The 60-second version (the same repeaters) runs in \`pnpm bench:smoke\`, so in \`pnpm check\`: it fails when a ` +
    `tick is lost or doubled, when executions and reports differ, when a failure is not logged, or when the heap ` +
    `after a full GC grows by more than ×${smokeHeapGrowthBound} from ${
      smokeHeapFrom / 1000
    } s (every period has run by then, however late) to the end or holds more than ${
      formatCount(smokeHeapPerRepeater)
    } B per repeater.`,
    ""
  ].join("\n")
}
