/**
 * Real runner processes for the multi-process tests (and the benchmark):
 * spawn `test/fixtures/runner.ts`, read its JSON events, kill it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"

export const fixture = fileURLToPath(new URL("../fixtures/runner.ts", import.meta.url))
const packageDir = fileURLToPath(new URL("../..", import.meta.url))

export interface RunnerEvent {
  readonly event: "ready" | "holding" | "run" | "inserted" | "duplicate" | "stopping" | "skipped"
  readonly pid: number
  readonly at: number
  readonly scheduledAt?: number
  readonly catchUp?: boolean
  readonly error?: string
  /** `skipped`: how many ticks core's rate-mode overrun rule skipped, from `scheduledAt` on. */
  readonly count?: number
}

export interface RunnerOptions {
  readonly port: number
  readonly sqlite?: string
  readonly pg?: string
  readonly name?: string
  readonly everyMs?: number
  readonly missed?: "skip" | "runOnce"
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

/** A port that was free a moment ago on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

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
export const exitWithin = (runner: RunnerProcess, timeoutMs = 30_000): Promise<number | null> => {
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
