/**
 * Real runner processes for the multi-process tests (and the benchmark):
 * spawn `test/fixtures/runner.ts`, read its JSON events, kill it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer, type Server } from "node:net"
import { fileURLToPath } from "node:url"

export const fixture = fileURLToPath(new URL("../fixtures/runner.ts", import.meta.url))
const packageDir = fileURLToPath(new URL("../..", import.meta.url))

export interface RunnerEvent {
  readonly event: "ready" | "holding" | "run" | "inserted" | "duplicate" | "stopping" | "skipped" | "stall"
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

export interface RunnerOptions {
  readonly port: number
  readonly sqlite?: string
  readonly pg?: string
  readonly name?: string
  readonly everyMs?: number
  readonly missed?: "skip" | "runOnce"
  readonly stall?: { readonly afterRun: number; readonly ms: number; readonly in: "run" | "idle" }
}

export interface RunnerProcess {
  readonly pid: number
  readonly port: number
  readonly child: ChildProcess
  readonly events: Array<RunnerEvent>
  /** Everything it wrote, for diagnostics. */
  readonly output: Array<string>
  exited: boolean
  readonly exit: Promise<number | null>
}

/**
 * `count` distinct ports that were free a moment ago on 127.0.0.1 (all held
 * open together, so that none is handed out twice). Another process may still
 * take one before a runner binds it: see `startRunners`.
 */
export const freePorts = async (count: number): Promise<Array<number>> => {
  const servers: Array<Server> = []
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer()
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject)
        server.listen(0, "127.0.0.1", () => resolve())
      })
    }
    return servers.map((server) => {
      const address = server.address()
      return typeof address === "object" && address !== null ? address.port : 0
    })
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export const freePort = async (): Promise<number> => (await freePorts(1))[0]

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
        const outputs = runners.map((r) => `--- pid ${r.pid} (exited: ${r.exited})\n${r.output.slice(-20).join("\n")}`)
        throw new Error(`Timed out after ${timeoutMs} ms waiting for the runners to be ready\n${outputs.join("\n")}`)
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
  const child = spawn(process.execPath, ["--import", "tsx", fixture, JSON.stringify(options)], {
    cwd: packageDir,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const events: Array<RunnerEvent> = []
  const output: Array<string> = []
  let buffered = ""
  child.stdout!.setEncoding("utf8")
  child.stdout!.on("data", (chunk: string) => {
    buffered += chunk
    let newline = buffered.indexOf("\n")
    while (newline >= 0) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      output.push(line)
      if (line.startsWith("{\"event\"")) events.push(JSON.parse(line))
      newline = buffered.indexOf("\n")
    }
  })
  child.stderr!.setEncoding("utf8")
  child.stderr!.on("data", (chunk: string) => output.push(chunk))
  const runner: RunnerProcess = {
    pid: child.pid!,
    port: options.port,
    child,
    events,
    output,
    exited: false,
    exit: new Promise((resolve) =>
      child.once("exit", (code) => {
        runner.exited = true
        resolve(code)
      })
    )
  }
  return runner
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

/** Kills every runner still alive (SIGKILL) and waits for the exits. */
export const killAll = async (runners: ReadonlyArray<RunnerProcess>): Promise<void> => {
  for (const runner of runners) {
    if (!runner.exited) runner.child.kill("SIGKILL")
  }
  await Promise.all(runners.map((runner) => runner.exit))
}

/**
 * Polls `condition` every 50 ms until it holds; fails after `timeoutMs` with
 * `what` and the end of each runner's output.
 */
export const waitFor = async (
  what: string,
  condition: () => boolean,
  timeoutMs = 60_000,
  runners: ReadonlyArray<RunnerProcess> = []
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) {
      const outputs = runners.map((r) => `--- pid ${r.pid} (exited: ${r.exited})\n${r.output.slice(-20).join("\n")}`)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}\n${outputs.join("\n")}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

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
