/**
 * The runner processes of the cluster parts: `clusterRunner.ts` started with `node --import tsx`, its JSON events
 * collected as they come.
 */
import { freePorts } from "@effect-repeater/testkit/Ports"
import { killAll, type NodeProcess, spawnNode, waitFor } from "@effect-repeater/testkit/Processes"
import { fileURLToPath } from "node:url"
import type { RunnerOptions } from "./clusterRunner.js"

const script = fileURLToPath(new URL("./clusterRunner.ts", import.meta.url))
const benchPackage = fileURLToPath(new URL("../..", import.meta.url))

/** An event a runner printed. */
export interface RunnerEvent {
  readonly event: "ready" | "holding" | "run" | "inserted" | "duplicate" | "insertFailed" | "log" | "stats" | "stopping"
  readonly pid: number
  readonly at: number
  readonly name?: string
  readonly scheduledAt?: number
  readonly level?: string
  readonly message?: string
  readonly statements?: number
  readonly runs?: number
}

/** A runner process with the events it printed. */
export interface Runner extends NodeProcess {
  readonly events: Array<RunnerEvent>
  /** Set when the bench ended it on purpose (its exit is not a failure). */
  ended: boolean
}

/** Starts one runner; `clockOffsetMs` moves its clock (`BENCH_CLOCK_OFFSET_MS`). */
export const startRunner = (options: RunnerOptions, clockOffsetMs = 0): Runner => {
  const events: Array<RunnerEvent> = []
  const previous = process.env.BENCH_CLOCK_OFFSET_MS
  process.env.BENCH_CLOCK_OFFSET_MS = String(clockOffsetMs)
  try {
    const runner = spawnNode(script, [JSON.stringify(options)], {
      cwd: benchPackage,
      onLine: (line) => {
        if (line.startsWith("{\"event\"")) events.push(JSON.parse(line))
      }
    })
    return Object.assign(runner, { events, ended: false })
  } finally {
    if (previous === undefined) delete process.env.BENCH_CLOCK_OFFSET_MS
    else process.env.BENCH_CLOCK_OFFSET_MS = previous
  }
}

/** Three runners (`offsets[i]`: the clock offset of runner i), each on a free port, once all are ready. */
export const startRunners = async (
  storage: Pick<RunnerOptions, "sqlite" | "pg">,
  options: Omit<RunnerOptions, "port" | "sqlite" | "pg">,
  offsets: ReadonlyArray<number> = [0, 0, 0],
  timeoutMs = 180_000
): Promise<Array<Runner>> => {
  const ports = await freePorts(offsets.length)
  const runners = offsets.map((offset, i) => startRunner({ port: ports[i]!, ...storage, ...options }, offset))
  try {
    await waitFor(
      "ready runners",
      () => runners.every((r) => r.events.some((e) => e.event === "ready")),
      timeoutMs,
      runners
    )
  } catch (error) {
    await killAll(runners)
    throw error
  }
  return runners
}

/** Every event of the runners, by time. */
export const allEvents = (runners: ReadonlyArray<Runner>): Array<RunnerEvent> =>
  runners.flatMap((r) => r.events).sort((a, b) => a.at - b.at)

/** The runner that took `name` last (its latest `holding` event), among those still alive. */
export const holderOf = (runners: ReadonlyArray<Runner>, name: string): Runner | undefined => {
  let latest: { runner: Runner; at: number } | undefined
  for (const runner of runners) {
    if (runner.exited) continue
    for (const e of runner.events) {
      if (e.event === "holding" && e.name === name && (latest === undefined || e.at > latest.at)) {
        latest = { runner, at: e.at }
      }
    }
  }
  return latest?.runner
}

/** Waits until each of the `count` repeaters `job-<k>` has run since `since`. */
export const waitForAllRunning = (
  runners: ReadonlyArray<Runner>,
  count: number,
  since: number,
  timeoutMs: number,
  what = "every repeater running"
): Promise<void> =>
  waitFor(
    what,
    () => {
      const names = new Set<string>()
      for (const r of runners) {
        for (const e of r.events) {
          if (e.event === "inserted" && e.at >= since && e.name !== undefined) {
            names.add(e.name)
          }
        }
      }
      return names.size >= count
    },
    timeoutMs,
    runners
  )

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export { killAll }
