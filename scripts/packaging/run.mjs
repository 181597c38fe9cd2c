// Runs a child process with a time limit, capturing its output.
import { spawn } from "node:child_process"

/** A failed step of the packaging check: which step, which package, and the output that explains it. */
export class CheckError extends Error {
  constructor(step, message, { pkg, output } = {}) {
    super(message)
    this.step = step
    this.pkg = pkg
    this.output = output
  }
}

const running = new Set()

const killGroup = (child) => {
  try {
    process.kill(-child.pid, "SIGKILL")
  } catch {
    // already gone
  }
}

/** Kills the process group of every child still running (on Ctrl-C: they are detached, so the terminal's signal misses them). */
export const killRunning = () => running.forEach(killGroup)

/**
 * Runs `command args` in `cwd`, killing its whole process group after `timeoutMs`. Resolves with the combined
 * output when it exits with 0; otherwise rejects with a `CheckError` that carries the output. With `stream`, the
 * output is also shown while it runs (for long steps).
 */
export const run = (step, command, args, { cwd, timeoutMs, pkg, stream = false, env } = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true
    })
    let output = ""
    const collect = (chunk) => {
      output += chunk
      if (stream) process.stdout.write(chunk)
    }
    child.stdout.setEncoding("utf8").on("data", collect)
    child.stderr.setEncoding("utf8").on("data", collect)
    let timedOut = false
    running.add(child)
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child)
    }, timeoutMs)
    const label = `${command} ${args.join(" ")}`
    child.on("error", (error) => {
      clearTimeout(timer)
      running.delete(child)
      reject(new CheckError(step, `could not start \`${label}\`: ${error.message}`, { pkg, output }))
    })
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      running.delete(child)
      if (timedOut) {
        reject(new CheckError(step, `\`${label}\` did not finish within ${timeoutMs / 1000} s`, { pkg, output }))
      } else if (code !== 0) {
        const status = signal === null ? `exit status ${code}` : `signal ${signal}`
        reject(new CheckError(step, `\`${label}\` failed (${status})`, { pkg, output }))
      } else {
        resolve(output)
      }
    })
  })

/** `npx -y pnpm@10 ...`, the only way this repository runs pnpm. */
export const pnpm = (step, args, options) => run(step, "npx", ["-y", "pnpm@10", ...args], options)
