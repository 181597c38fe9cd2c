/**
 * Node child processes for integration tests and benchmarks: a script run
 * with `node --import tsx`, its output read line by line, waited on with a
 * deadline, killed in a `finally`.
 *
 * @since 0.1.0
 */
import { type ChildProcess, spawn } from "node:child_process"

/**
 * @since 0.1.0
 * @category models
 */
export interface NodeProcess {
  readonly pid: number
  readonly child: ChildProcess
  /** Every line it wrote to stdout and every chunk it wrote to stderr, for diagnostics. */
  readonly output: Array<string>
  /** Set once it has exited. */
  exited: boolean
  /** Its exit code (`null` when a signal ended it). */
  readonly exit: Promise<number | null>
}

/**
 * Runs `node --import tsx <script> ...args` in `cwd` (tsx resolved from
 * there), calling `onLine` with each line of its stdout.
 *
 * @since 0.1.0
 * @category constructors
 */
export const spawnNode = (
  script: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly onLine?: (line: string) => void }
): NodeProcess => {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"]
  })
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
      options.onLine?.(line)
      newline = buffered.indexOf("\n")
    }
  })
  child.stderr!.setEncoding("utf8")
  child.stderr!.on("data", (chunk: string) => output.push(chunk))
  const proc: NodeProcess = {
    pid: child.pid!,
    child,
    output,
    exited: false,
    exit: new Promise((resolve) =>
      child.once("exit", (code) => {
        proc.exited = true
        resolve(code)
      })
    )
  }
  return proc
}

/**
 * The end of each process's output, for an error message.
 *
 * @since 0.1.0
 * @category diagnostics
 */
export const tails = (processes: ReadonlyArray<NodeProcess>, lines = 20): string =>
  processes.map((p) => `--- pid ${p.pid} (exited: ${p.exited})\n${p.output.slice(-lines).join("\n")}`).join("\n")

/**
 * Polls `condition` every 50 ms until it holds; fails after `timeoutMs` with
 * `what` and the end of each process's output.
 *
 * @since 0.1.0
 * @category combinators
 */
export const waitFor = async (
  what: string,
  condition: () => boolean,
  timeoutMs = 60_000,
  processes: ReadonlyArray<NodeProcess> = []
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}\n${tails(processes)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Kills every process still alive (SIGKILL) and waits for the exits.
 *
 * @since 0.1.0
 * @category combinators
 */
export const killAll = async (processes: ReadonlyArray<NodeProcess>): Promise<void> => {
  for (const p of processes) {
    if (!p.exited) p.child.kill("SIGKILL")
  }
  await Promise.all(processes.map((p) => p.exit))
}
