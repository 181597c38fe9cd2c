import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const packageDir = fileURLToPath(new URL("../..", import.meta.url))

/** The real server as a child process: `node --disable-warning=ExperimentalWarning --import tsx src/main.ts`. */
export interface ServerProcess {
  readonly child: ChildProcess
  /** Everything it printed so far, stdout and stderr interleaved. */
  readonly output: () => string
  /** Resolves with the exit code (or the signal that ended it). */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  /** SIGKILL if it still runs. */
  readonly kill: () => void
}

export const spawnServer = (env: Record<string, string>): ServerProcess => {
  const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", "--import", "tsx", "src/main.ts"], {
    cwd: packageDir,
    env: { ...process.env, NODE_OPTIONS: "", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => output += chunk)
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => output += chunk)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal }))
  )
  return {
    child,
    output: () => output,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    }
  }
}

/** Polls `check` every 50 ms until it returns a value other than `undefined`; fails after `timeoutMs`. */
export const waitFor = async <A>(
  description: string,
  check: () => A | undefined | Promise<A | undefined>,
  timeoutMs = 30_000
): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await check()
    if (result !== undefined) return result
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Waits for the "Listening on http://..." line; returns the base URL. */
export const baseUrlOf = (server: ServerProcess): Promise<string> =>
  waitFor("the server to listen", () => {
    const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())
    if (match !== null) return match[1]
    if (server.child.exitCode !== null) {
      throw new Error(`the server exited with code ${server.child.exitCode}:\n${server.output()}`)
    }
    return undefined
  })
