/**
 * The takeover scenario of the multi-process tests and the benchmark: three
 * runners; the holder of the singleton is killed (SIGKILL), then the next
 * holder is stopped (SIGTERM); each time another runner must take over.
 */
import { assert } from "@effect/vitest"
import {
  exitWithin,
  killAll,
  type RunnerEvent,
  type RunnerOptions,
  type RunnerProcess,
  runs,
  startRunners,
  waitFor
} from "./processes.js"

export type Storage = { readonly pg: string }

export interface Takeover {
  readonly signal: "SIGKILL" | "SIGTERM"
  readonly from: RunnerProcess
  readonly to: RunnerProcess
  readonly signalledAt: number
  /** From the signal to the moment the new holder took the singleton. */
  readonly millis: number
  /** From the signal to the first run of the new holder. */
  readonly firstRunMillis: number
}

export interface ScenarioResult {
  readonly runners: ReadonlyArray<RunnerProcess>
  readonly takeovers: ReadonlyArray<Takeover>
  /** Exit code of the runner stopped with SIGTERM. */
  readonly sigtermExit: number | null | undefined
}

export interface ScenarioOptions {
  readonly storage: Storage
  readonly signals: ReadonlyArray<"SIGKILL" | "SIGTERM">
  readonly missed?: "skip" | "runOnce"
  readonly everyMs?: number
  /** Runs each holder must make before it is signalled. Default 3. */
  readonly runsPerHolder?: number
  readonly timeoutMs?: number
}

const runsAfter = (runner: RunnerProcess, after: number): Array<RunnerEvent> =>
  runs(runner).filter((event) => event.at >= after)

export const runScenario = async (options: ScenarioOptions): Promise<ScenarioResult> => {
  const runsPerHolder = options.runsPerHolder ?? 3
  const timeoutMs = options.timeoutMs ?? 60_000
  const runners: Array<RunnerProcess> = []
  const takeovers: Array<Takeover> = []
  let sigtermExit: number | null | undefined
  try {
    const runnerOptions: Omit<RunnerOptions, "port"> = {
      ...options.storage,
      ...(options.missed === undefined ? {} : { missed: options.missed }),
      ...(options.everyMs === undefined ? {} : { everyMs: options.everyMs })
    }
    runners.push(...await startRunners([runnerOptions, runnerOptions, runnerOptions], timeoutMs))
    let since = 0
    let holder: RunnerProcess | undefined
    // shards are rebalanced as runners join: wait until that has settled
    const allReady = Math.max(...runners.map((r) => r.events.find((e) => e.event === "ready")!.at))
    // (the last runs of all, one holder's only: the singleton is not moving when it is signalled)
    await waitFor(
      `a runner to run the last ${runsPerHolder} ticks once all are ready`,
      () => {
        const latest = runners.flatMap(runs).sort((a, b) => a.at - b.at).slice(-runsPerHolder)
        const settled = latest.length === runsPerHolder &&
          latest.every((event) => event.pid === latest[0].pid && event.at >= allReady + 1000)
        holder = settled ? runners.find((runner) => runner.pid === latest[0].pid) : undefined
        return holder !== undefined
      },
      timeoutMs,
      runners
    )
    for (const signal of options.signals) {
      const from = holder!
      const signalledAt = Date.now()
      from.child.kill(signal)
      const code = await exitWithin(from)
      if (signal === "SIGTERM") sigtermExit = code
      since = signalledAt
      let to: RunnerProcess | undefined
      await waitFor(
        `another runner to take over after ${signal} and run ${runsPerHolder} ticks`,
        () => {
          to = runners.find((runner) => runner !== from && runsAfter(runner, since).length >= runsPerHolder)
          return to !== undefined
        },
        timeoutMs,
        runners
      )
      const first = runsAfter(to!, since)[0]
      const holding = to!.events.find((event) => event.event === "holding" && event.at >= since)
      takeovers.push({
        signal,
        from,
        to: to!,
        signalledAt,
        millis: (holding?.at ?? first.at) - signalledAt,
        firstRunMillis: first.at - signalledAt
      })
      holder = to
    }
    return { runners, takeovers, sigtermExit }
  } finally {
    await killAll(runners)
  }
}

/**
 * The table of ticks against the runs: each row is a tick some runner
 * reported running, once; each tick reported inserted is in it; at most one
 * run (the one SIGKILLed mid-way) may be missing from it. (A run killed after
 * its insert but before its `inserted` line is in the table.)
 */
export const assertTable = (
  rows: ReadonlyArray<number>,
  run: ReadonlyArray<RunnerEvent>,
  inserted: ReadonlyArray<RunnerEvent>
): void => {
  const ran = new Set(run.map((event) => event.scheduledAt!))
  const inTable = new Set(rows)
  assert.strictEqual(inTable.size, rows.length, "a tick twice in the table")
  assert.deepStrictEqual(rows.filter((tick) => !ran.has(tick)), [], "ticks in the table that no runner ran")
  assert.deepStrictEqual(
    inserted.map((event) => event.scheduledAt!).filter((tick) => !inTable.has(tick)),
    [],
    "ticks reported inserted, missing from the table"
  )
  assert.isAtMost(run.length - rows.length, 1, "runs missing from the table")
}

/** What the checks read of a runner: its pid and its events. */
export type RunnerRecord = Pick<RunnerProcess, "pid" | "events">

/** Every run of every runner, ordered by scheduled instant. */
export const allRuns = (runners: ReadonlyArray<RunnerRecord>): Array<RunnerEvent> =>
  runners.flatMap((runner) => runner.events.filter((e) => e.event === "run"))
    .sort((a, b) => a.scheduledAt! - b.scheduledAt!)

export const eventsOf = (runners: ReadonlyArray<RunnerRecord>, kind: RunnerEvent["event"]): Array<RunnerEvent> =>
  runners.flatMap((runner) => runner.events.filter((event) => event.event === kind))

/**
 * Whether the holder `runner` reported every tick strictly between `after`
 * and `before` as skipped by core's rate-mode overrun rule (a run, or the
 * whole process, late by more than a period).
 */
const skipsCover = (runner: RunnerRecord, after: number, before: number, everyMs: number): boolean => {
  const skips = runner.events.filter((e) => e.event === "skipped")
  for (let tick = after + everyMs; tick < before; tick += everyMs) {
    const covered = skips.some((skip) => skip.scheduledAt! <= tick && tick < skip.scheduledAt! + skip.count! * everyMs)
    if (!covered) return false
  }
  return true
}

/** Whether the runner of `current` took hold of the singleton after its run `previous` (it lost it meanwhile). */
const tookHoldBetween = (runners: ReadonlyArray<RunnerRecord>, previous: RunnerEvent, current: RunnerEvent): boolean =>
  runners.find((r) => r.pid === current.pid)!.events.some((e) =>
    e.event === "holding" && e.at > previous.at && e.at <= current.at
  )

/**
 * Ticks lost beyond the policy: within one holder's stretch, consecutive runs
 * must be one period apart, unless the holder reported the ticks in between
 * as skipped by core's overrun rule (documented: an overrun is followed by one
 * run, for the latest tick that fell due; the others are skipped); across a
 * takeover, `runOnce` must run the latest missed tick (a catch-up) and `skip`
 * must run none of them. A runner that lost the singleton (its shard locks)
 * and took hold of it again between two of its runs is a takeover too.
 * Returns a list of violations (empty when all is well).
 */
export const checkContinuity = (
  runners: ReadonlyArray<RunnerRecord>,
  everyMs: number,
  policy: "skip" | "runOnce"
): Array<string> => {
  const problems: Array<string> = []
  const ordered = allRuns(runners)
  for (let i = 1; i < ordered.length; i++) {
    const previous = ordered[i - 1]
    const current = ordered[i]
    const gap = current.scheduledAt! - previous.scheduledAt!
    if (gap <= 0) {
      problems.push(`tick ${current.scheduledAt} run twice (pids ${previous.pid}, ${current.pid})`)
    } else if (gap % everyMs !== 0) {
      problems.push(`tick ${current.scheduledAt} is off the grid of ${previous.scheduledAt}`)
    } else if (previous.pid === current.pid && !tookHoldBetween(runners, previous, current) && gap !== everyMs) {
      const runner = runners.find((r) => r.pid === current.pid)!
      if (!skipsCover(runner, previous.scheduledAt!, current.scheduledAt!, everyMs)) {
        problems.push(
          `pid ${current.pid} lost ${
            gap / everyMs - 1
          } tick(s) before ${current.scheduledAt} (not all reported as skipped)`
        )
      }
    } else if (previous.pid !== current.pid || tookHoldBetween(runners, previous, current)) {
      const missed = gap / everyMs - 1
      const runner = runners.find((r) => r.pid === current.pid)!
      const holding = runner.events.filter((e) => e.event === "holding" && e.at <= current.at).at(-1)
      if (holding === undefined) {
        problems.push(`pid ${current.pid} ran ${current.scheduledAt} without taking hold first`)
        continue
      }
      // the first regular tick the new holder planned when it took hold (the one after the latest missed tick)
      const next = holding.nextTick
      if (next === undefined) {
        problems.push(`pid ${current.pid} took hold without a planned next tick`)
        continue
      }
      if (!(next > holding.at - everyMs - 1000 && next - everyMs <= holding.at)) {
        problems.push(`pid ${current.pid} planned its next tick ${next} off the instant it took hold, ${holding.at}`)
      }
      if (policy === "runOnce" && missed > 0) {
        // the new holder ran the latest tick missed before it took hold, at once
        if (current.catchUp !== true) problems.push(`takeover at ${current.scheduledAt}: missed ticks, no catch-up run`)
        if (current.scheduledAt !== next - everyMs) {
          problems.push(`catch-up ${current.scheduledAt} is not the latest tick missed before ${next}`)
        }
      }
      if (policy === "skip") {
        if (current.catchUp === true) problems.push(`takeover at ${current.scheduledAt}: a catch-up with "skip"`)
        // the first tick run is the first one the new holder planned
        if (current.scheduledAt !== next) {
          problems.push(`first tick ${current.scheduledAt} after "skip" is not the next one, ${next}`)
        }
      }
    }
  }
  return problems
}
