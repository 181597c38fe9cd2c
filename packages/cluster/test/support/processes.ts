/**
 * Real runner processes for the multi-process tests (and the benchmark):
 * spawn `test/fixtures/runner.ts`, read its JSON events, kill it.
 */
import { freePort, freePorts } from "@effect-repeater/testkit/Ports"
import { killAll, type NodeProcess, spawnNode, tails, waitFor } from "@effect-repeater/testkit/Processes"
import { fileURLToPath } from "node:url"
import type { RunnerOptions } from "../fixtures/runner.js"

export const fixture = fileURLToPath(new URL("../fixtures/runner.ts", import.meta.url))
const packageDir = fileURLToPath(new URL("../..", import.meta.url))

export interface RunnerEvent {
  readonly event:
    | "ready"
    | "holding"
    | "run"
    | "inserted"
    | "duplicate"
    | "insertFailed"
    | "stopping"
    | "skipped"
    | "stall"
  readonly pid: number
  readonly at: number
  readonly scheduledAt?: number
  readonly catchUp?: boolean
  readonly error?: string
  /** `skipped`: how many ticks core's rate-mode overrun rule skipped, from `scheduledAt` on. */
  readonly count?: number
  /** `holding`: the first regular tick the new holder planned (from its log line). */
  readonly nextTick?: number
}

export type { RunnerOptions }

export interface RunnerProcess extends NodeProcess {
  readonly port: number
  readonly events: Array<RunnerEvent>
}

const portTaken = (runner: RunnerProcess): boolean =>
  runner.exited && !runner.events.some((e) => e.event === "ready") &&
  runner.output.some((line) => line.includes("EADDRINUSE"))

/**
 * Starts one runner per options (each on a port of its own) and waits until
 * all are ready. A runner whose port another process took in the meantime
 * (it exits with EADDRINUSE before it is ready) is started again on another
 * port, a few times at most.
 */
export const startRunners = async (
  options: ReadonlyArray<Omit<RunnerOptions, "port">>,
  timeoutMs = 60_000
): Promise<Array<RunnerProcess>> => {
  const ports = await freePorts(options.length)
  const runners = options.map((o, i) => startRunner({ ...o, port: ports[i] }))
  const deadline = Date.now() + timeoutMs
  let restarts = 0
  try {
    while (!runners.every((r) => r.events.some((e) => e.event === "ready"))) {
      for (let i = 0; i < runners.length; i++) {
        if (portTaken(runners[i]) && restarts < 5) {
          restarts++
          runners[i] = startRunner({ ...options[i], port: await freePort() })
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for the runners to be ready\n${tails(runners)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  } catch (error) {
    await killAll(runners)
    throw error
  }
  return runners
}

export const startRunner = (options: RunnerOptions): RunnerProcess => {
  const events: Array<RunnerEvent> = []
  const runner = spawnNode(fixture, [JSON.stringify(options)], {
    cwd: packageDir,
    onLine: (line) => {
      if (line.startsWith("{\"event\"")) events.push(JSON.parse(line))
    }
  })
  return Object.assign(runner, { port: options.port, events })
}

/**
 * Waits for a signalled runner to exit, at most `timeoutMs`: a runner that
 * hangs in its shutdown fails the test with its output (and the caller's
 * `finally` still kills every runner) instead of blocking it forever.
 */
export const exitWithin = (runner: RunnerProcess, timeoutMs = 60_000): Promise<number | null> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`pid ${runner.pid} did not exit within ${timeoutMs} ms\n${runner.output.slice(-20).join("\n")}`)
        ),
      timeoutMs
    )
  })
  return Promise.race([runner.exit, timeout]).finally(() => clearTimeout(timer))
}

export { killAll, waitFor }

export const runs = (runner: RunnerProcess): Array<RunnerEvent> => runner.events.filter((e) => e.event === "run")

/** The runner that ran the latest tick. */
export const holderOf = (runners: ReadonlyArray<RunnerProcess>): RunnerProcess | undefined => {
  let latest: { runner: RunnerProcess; at: number } | undefined
  for (const runner of runners) {
    for (const event of runs(runner)) {
      if (latest === undefined || event.at > latest.at) latest = { runner, at: event.at }
    }
  }
  return latest?.runner
}
