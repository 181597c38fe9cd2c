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
    "claimed one, at most the offset plus one period (6 s here, plus the takeover). A holder 5 s ahead that takes " +
    "over runs the latest missed tick at once (`runOnce`) and goes on 5 s early. That is all the offset does: " +
    "`@effect/cluster` 0.60's PostgreSQL runner storage (`SqlRunnerStorage`) never compares a runner's clock with " +
    "anything. Shard locks are advisory locks, held by a connection, with no time in them; the one comparison of " +
    "times, `last_heartbeat > NOW() - lockExpiration` (the runners alive), sets the database's `NOW()` against " +
    "times the database wrote; the lock operations' deadlines and the refresh schedule are sleeps, which the " +
    "runner's offset `Clock` leaves on the machine's time; `Sharding` reads the `Clock` only for durations within " +
    "its own process. The rows \"the clock fault's restarts, every clock right\" are the control: the same " +
    "sequence with no clock moved.",
    "",
    "**The long PostgreSQL gaps: a shortage of CPU and 300 shards, not the clock.** In the run of 2026-12-04 " +
    "(load average about 20 on 2 cores, `@effect/cluster`'s 300 shards per group), the PostgreSQL clock row showed a " +
    "longest gap of 55.2 s: the runners with the right time logged \"Shard lock storage is unhealthy\" again and " +
    "again for about 50 s while the new runner took about 40 s to start; the SQLite clock row of the same run took 69 s " +
    "to start its new runner, so the slow start was the machine's. What happens, in `@effect/cluster` 0.60.2: when " +
    "a runner joins or leaves, `Sharding` recomputes the shards of its hash ring (`shardsPerGroup` of them), and " +
    "every runner that loses shards forks one release per shard (`releaseShard`); on PostgreSQL each release is two " +
    "statements (`pg_advisory_unlock`, then a look into `pg_locks`) on the runner's one reserved shard-lock " +
    "connection, under a deadline of the lock refresh interval (`withDeadline` of `SqlRunnerStorage`, 1 s with the " +
    "default timings), tried again 50 ms after each failure. The lock refresh (`UPDATE … SET last_heartbeat = " +
    "NOW()`, then `pg_locks` and `pg_try_advisory_lock`) queues on that same connection behind them, under the same " +
    "1 s. With about 100 shards to release and little CPU for the runners and the database, the queue takes more " +
    "than 1 s: releases time out and are tried again (a timed-out statement is not taken off the connection's " +
    "queue: the interruption only cancels the statement running at that moment, `pg_cancel_backend`, and a timeout " +
    "also rebuilds the lock connection, whose advisory locks go with it), and the refresh behind them times out: " +
    "\"Shard lock storage is unhealthy\", the runner gives up all its shards, probes every second, recovers, takes " +
    "shards again, and can lose them again for as long as the CPU stays short. SQLite's statements run " +
    "synchronously in the runner's process, so they never wait in such a queue: no SQLite row logs that error.",
    "",
    "Measured under a shortage of CPU that can be repeated: the bench, its runners and PostgreSQL in a cgroup given " +
    "20% of one core (`cpu.cfs_quota_us` 20000 of 100000), `BENCH_RELIABILITY=faults BENCH_FAULTS=clock,restart " +
    "pnpm bench --only reliability`, with `BENCH_SHARDS_PER_GROUP=300` for `@effect/cluster`'s default " +
    "(2026-12-05 02:24–02:44 UTC, one run each, load average about 8 from other work):",
    "",
    "| shards per group | storage | fault | longest gap | warnings / errors |",
    "|---|---|---|---|---|",
    "| 300 | SQLite | clock 5 s ahead | 6.02 s | 3 / 0 |",
    "| 300 | SQLite | restarts, every clock right | 4.22 s | 0 / 0 |",
    "| 300 | PostgreSQL | clock 5 s ahead | 16.8 s | 18 / 7 |",
    "| 300 | PostgreSQL | restarts, every clock right | 6.10 s | 6 / 2 |",
    "| 30 | SQLite | clock 5 s ahead | 6.20 s | 0 / 0 |",
    "| 30 | SQLite | restarts, every clock right | 4.80 s | 0 / 0 |",
    "| 30 | PostgreSQL | clock 5 s ahead | 6.30 s | 0 / 1 |",
    "| 30 | PostgreSQL | restarts, every clock right | 7.51 s | 0 / 2 |",
    "",
    "The same sequence run from a script under the same quota (2026-12-05 02:07–02:22 UTC) gave, with 300 shards, a " +
    "longest gap of 24.7 s and 14 such errors with a clock 5 s ahead and 45.2 s and 33 errors with every clock " +
    "right; with 30 shards, clock ahead, 6.0 s and none; with 300 shards and `timings: { lockRefresh: \"3 " +
    "seconds\", lockExpiration: \"9 seconds\" }`, clock ahead, 9.6 s and none. The gap does not follow the clock " +
    "(the longest came with every clock right); it follows the CPU and the number of shards released at once. " +
    "`ClusterRunner.layer` therefore defaults to 30 shards per group (`ClusterRunner.defaultShardsPerGroup`; " +
    "singletons need few, and a rebalancing releases a tenth as many): under the shortage, the longest gaps are " +
    "then the offset plus a period and the takeover. Longer `timings` bound it too (a refresh of 3 s gives every " +
    "lock operation 3 s), at the cost of slower takeovers after a crash.",
    "",
    "Without the quota, at the load of the other work on the machine, the shard count makes no difference: the " +
    "table above ran with 30 shards per group; with `BENCH_SHARDS_PER_GROUP=300` (2026-12-05 02:56 UTC, load " +
    "average 3 to 4) the clock fault's longest gap was 6.01 s on SQLite and 6.01 s on PostgreSQL, the restarts' " +
    "3.46 s and 3.23 s, with no error. The rows measured on 2026-12-04 ran with 300 shards per group.",
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
