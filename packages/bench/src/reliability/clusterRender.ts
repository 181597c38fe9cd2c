/**
 * The Markdown of the cluster faults, the cluster load and the event streams.
 */
import { renderTable } from "../internal/markdown.js"
import { formatCount, formatNumber } from "../internal/stats.js"
import type { LoadResult } from "./clusterLoad.js"
import type { StreamFigures } from "./eventStreamsPart.js"
import type { Fault, FaultFigures } from "./faults.js"
import type { Stored } from "./store.js"

const notYet = (part: string) => `Not measured yet: \`BENCH_RELIABILITY=${part} pnpm bench --only reliability\`.\n`

const seconds = (ms: number) => Number.isFinite(ms) ? `${formatNumber(ms / 1000)} s` : "–"

const faultNames: Record<Fault, string> = {
  database: "database unavailable 15 s",
  sigstop: "holder frozen (SIGSTOP) 10 s",
  clock: "one runner's clock 5 s ahead",
  restart: "the clock fault's restarts, every clock right"
}

/** The rows measured in an earlier run than the table's stamp, by the run they were measured in. */
const separatelyMeasured = (stored: Stored<ReadonlyArray<FaultFigures>>): Array<string> => {
  const runs = new Map<string, Array<string>>()
  for (const f of stored.figures) {
    if (f.measured === undefined || f.measured === stored.measured) continue
    const run = `${f.measured}; load average ${f.load}`
    runs.set(run, [...runs.get(run) ?? [], `${f.storage}, ${faultNames[f.fault]}`])
  }
  return [...runs].map(([run, rows]) => `Rows measured in an earlier run (${run}): ${rows.join("; ")}.\n`)
}

/** The faults' Markdown. */
export const renderFaults = (stored: Stored<ReadonlyArray<FaultFigures>> | undefined): string => {
  if (stored === undefined) return notYet("faults")
  const rows = stored.figures.map((f) => [
    f.storage,
    faultNames[f.fault],
    `**${f.doubled}**`,
    `**${f.unexpectedExits}**`,
    f.notResumed === 0 ? "yes" : `**no** (${f.notResumed} repeaters)`,
    seconds(f.longestGapMs),
    formatCount(f.ticksNotRun),
    formatCount(f.insertsFailed),
    `${formatCount(f.warnings)} / ${formatCount(f.errors)}`
  ])
  const messages = [
    // (the counts left out too, so that the same line is listed once)
    ...new Set(
      stored.figures.flatMap((f) =>
        f.messages.map((m) => `${f.storage}, ${faultNames[f.fault]}: ${m.replace(/\d+ tick\(s\)/g, "N tick(s)")}`)
      )
    )
  ]
  return [
    "Three runner processes on 127.0.0.1 (`packages/bench/src/reliability/clusterRunner.ts`), 10 cluster repeaters " +
    "every second in rate mode with `missed: \"runOnce\"`, the default timings of `ClusterRunner.layer`; each run " +
    "inserts its repeater's name and its tick's scheduled instant under a PRIMARY KEY. Once every repeater runs, " +
    "and 5 s later, the fault (`packages/bench/src/reliability/faults.ts`):",
    "",
    "- **database unavailable 15 s**: PostgreSQL stopped (`pg_ctl stop -m immediate`) and started again on the same " +
    "port; SQLite locked by a `sqlite3` process holding the write lock (`BEGIN IMMEDIATE`) for 15 s;",
    "- **holder frozen**: the runner holding `job-0` gets SIGSTOP, and SIGCONT 10 s later;",
    "- **clock 5 s ahead**: runner 1 starts with its Effect `Clock` 5 s ahead (`BENCH_CLOCK_OFFSET_MS`, a `Clock` " +
    "layer of the runner script); mid-run the bench ends it (SIGTERM) so that its repeaters move to right clocks, " +
    "then starts another runner 5 s ahead and kills (SIGKILL) a right one so that repeaters move to the wrong clock;",
    "- **the clock fault's restarts, every clock right**: the same sequence (a runner ended with SIGTERM, a new one " +
    "started, another killed with SIGKILL) with no clock moved: what the clock fault costs without the clock.",
    "",
    "Then every repeater must run again, and 10 s more are watched. **Doubled** = a (repeater, scheduled instant) " +
    "run twice or refused by the key; **exits** = runners that exited without the bench ending them; **longest " +
    "gap** = the longest time without a run of one repeater across the fault; **ticks not run** = seconds of the grid, " +
    "between a repeater's runs, without a run (the ticks missed while no runner could run it: a takeover runs the " +
    "latest of them once, `missed: \"runOnce\"`); **inserts failed** = runs whose insert failed on another error " +
    "(the database away); **warnings / errors** = Warning and Error log lines of all runners from the fault on " +
    `(measured ${stored.measured}; load average ${stored.load}).`,
    "",
    renderTable(
      [
        "storage",
        "fault",
        "doubled",
        "exits",
        "schedule resumed",
        "longest gap",
        "ticks not run",
        "inserts failed",
        "warnings / errors"
      ],
      rows
    ),
    ...separatelyMeasured(stored),
    "The log lines (repeater names and instants left out):",
    "",
    ...messages.map((m) => `- ${m.replace(/\|/g, "\\|")}`),
    "",
    "**A clock ahead.** The tick a holder claims is named on its own clock, and a claim must be later than the last " +
    "one claimed: after a holder 5 s ahead, a holder with the right time waits until the tick after the last " +
    "claimed one, at most the offset plus one period (6 s here; the SQLite row's longest gap, 8.85 s, is that plus " +
    "the takeover). A holder 5 s ahead that takes over runs the latest missed tick at once (`runOnce`) and goes on " +
    "5 s early. The PostgreSQL row's long gap is not the clock's doing in the tick planning: both runners with the " +
    "right time logged \"Shard lock storage is unhealthy\" (a shard-lock refresh of `@effect/cluster` over its 1 s " +
    "timeout) every 5 to 10 s for about 50 s, each time giving up all their shards, while the new runner 5 s ahead " +
    "took about 40 s to start (about 12 s at offset 0); no runner held the repeaters meanwhile. The same sequence " +
    "with every clock right (a runner ended with SIGTERM, a new one started, another killed) gave a longest gap of " +
    "14.3 s and 4 such errors (2026-12-05 00:02 UTC, machine loaded by other work). What slows the new runner's " +
    "start and the others' lock refreshes when its clock is ahead lies in `@effect/cluster`'s PostgreSQL runner " +
    "storage (advisory locks on a dedicated connection) and is not explained yet; the gap is bounded by the runners' " +
    "return to healthy shard locks, not by the offset.",
    ""
  ].join("\n")
}

/** The load's Markdown. */
export const renderLoad = (stored: Stored<ReadonlyArray<LoadResult>> | undefined): string => {
  if (stored === undefined) return notYet("load")
  const rows = stored.figures.map((f) =>
    "error" in f ?
      [f.storage, `did not finish: ${f.error.split("\n")[0]!.slice(0, 200)}`] :
      [
        f.storage,
        formatCount(f.repeaters),
        seconds(f.allHeldMs),
        formatNumber(f.claimsPerSecond),
        formatNumber(f.statementsPerSecond),
        f.commitsPerSecond === undefined ? "–" : formatNumber(f.commitsPerSecond),
        `${formatCount(f.killedHeld)} in ${seconds(f.heldAgainMs)}`,
        `**${f.doubled}**`,
        `${formatCount(f.warnings)} / ${formatCount(f.errors)}`
      ]
  )
  return [
    "1,000 cluster repeaters every second (rate mode, each run one INSERT) on three runner processes, the default " +
    "timings. **Claims/s** = ticks claimed and run per second, all runners together, over 30 s " +
    "once every repeater was held and 10 s more had passed; **statements/s** = SQL statements per second counted " +
    "by the runners themselves (a tracer counting `@effect/sql`'s `sql.execute` spans; the cluster's own and the " +
    "runs' inserts); **commits/s** = PostgreSQL's `pg_stat_database.xact_commit` delta (every statement outside a " +
    "transaction commits); **held again** = after a SIGKILL of the runner holding the most, the time until each " +
    `of its repeaters was held by another runner (measured ${stored.measured}; load average ${stored.load}).`,
    "",
    renderTable(
      [
        "storage",
        "repeaters",
        "all held after start",
        "claims/s",
        "statements/s",
        "commits/s",
        "held again after SIGKILL",
        "doubled",
        "warnings / errors"
      ],
      rows
    ),
    "",
    "**What the warnings and errors are.** The errors are `@effect/cluster`'s \"Shard lock storage is unhealthy\": " +
    "a runner's shard-lock refresh did not finish within its timeout, which is the refresh interval (1 s with the " +
    "default timings) — a busy event loop or a saturated connection pool is enough; that runner then gives up all " +
    "its shards at once and its repeaters are taken again like after a SIGKILL (their missed ticks follow " +
    "`missed`). The warnings are the repeaters' \"N tick(s) skipped\": runs that started later than a period " +
    "(their SQL waited for one of the runner's 4 connections, or for the CPU), so core ran the latest tick and " +
    "skipped the ones before. Each such warning is emitted once the holder has claimed the next tick, counted from " +
    "the last tick it claimed: a tick is never both reported skipped and run, and no tick goes unreported. Before " +
    "a runner that takes hold fenced the previous holder (it now does, and the previous holder stops), a runner " +
    "that had lost a repeater (to a refresh timeout) but still held it in process went on claiming " +
    "in turn with the new holder, on two grids: ticks were lost between them without a report, and skipped ticks " +
    "were reported that the other runner ran.",
    ""
  ].join("\n")
}

/** The event streams' Markdown. */
export const renderStreams = (stored: Stored<StreamFigures> | undefined): string => {
  if (stored === undefined) return notYet("streams")
  const f = stored.figures
  const met = f.p99 < 50
  return [
    `\`pnpm --filter @effect-repeater/bench bench:event-streams\` (\`src/eventStreams.ts\`): a server process (an ` +
    "application's `HttpApi` with the repeaters group and `GET /health`) whose repeater makes " +
    `${f.rate} events a second, ${f.streams} event streams open to it from a second process, and \`GET /health\` ` +
    `asked every 50 ms for ${f.seconds} s from a third (measured ${stored.measured}; load average ${stored.load}).`,
    "",
    "| streams | events/s | `/health` requests | p50 ms | **p99 ms** | max ms | events per stream per second received | target p99 < 50 ms |",
    "|---|---|---|---|---|---|---|---|",
    `| ${f.streams} | ${f.rate} | ${f.requests} | ${formatNumber(f.p50)} | **${formatNumber(f.p99)}** | ${
      formatNumber(f.max)
    } | ${formatNumber(f.eventsPerStreamPerSecond)} | ${met ? "met" : "**missed**"} |`,
    "",
    `Where the server's CPU time goes (a second run with \`--cpu-prof\`, its \`/health\` p99 ${
      formatNumber(f.profiledP99)
    } ms; share of the samples by package):`,
    "",
    ...f.profile.map(([place, share]) => `- ${place}: ${formatNumber(share)} %`),
    "",
    met ?
      "" :
      `The target is missed in this run. The profile shows what limits it: the server is idle ${
        formatNumber(f.profile.find(([place]) => place === "(idle)")?.[1] ?? 0)
      } % of its samples, so its own work is not what delays \`/health\`; of the work, writing each event to the ` +
      `${f.streams} sockets (\`writev\`) comes first and Effect's runtime second. The delays come from the processes ` +
      "competing for the machine's two cores (the load average above): the server waits for a core, not for its own " +
      "work.",
    ""
  ].join("\n")
}
