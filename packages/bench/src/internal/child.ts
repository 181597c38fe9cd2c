/**
 * Runs scenarios: bundles the scenario script once with esbuild, then starts one `node --expose-gc` process per run.
 */
import { build } from "esbuild"
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { ScenarioParameters } from "../scenario/protocol.js"

/** The directory of the bench package. */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..")

const bundlePath = path.join(packageDir, "build", "scenario", "scenario.mjs")

let bundled: Promise<string> | undefined

/** The scenario script bundled into `build/scenario/scenario.mjs` (once per process). */
export const scenarioBundle = (): Promise<string> => {
  bundled ??= build({
    entryPoints: [path.join(packageDir, "src", "scenario", "main.ts")],
    outfile: bundlePath,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning"
  }).then(() => bundlePath)
  return bundled
}

/** A scenario process that failed. */
export class ScenarioError extends Error {
  constructor(readonly parameters: ScenarioParameters, readonly detail: string) {
    super(`scenario ${JSON.stringify(parameters)} failed: ${detail}`)
  }
}

/** Runs one scenario in a fresh process and returns the JSON it printed. */
export const runScenario = async <A>(parameters: ScenarioParameters, timeoutMs = 300_000): Promise<A> => {
  const script = await scenarioBundle()
  return new Promise<A>((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", script, JSON.stringify(parameters)], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout += chunk)
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr += chunk)
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("error", (error) => {
      clearTimeout(timer)
      reject(new ScenarioError(parameters, error.message))
    })
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      const line = stdout.trim().split("\n").filter((l) => l.startsWith("{")).at(-1)
      if (code !== 0 || line === undefined) {
        const why = signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`
        reject(new ScenarioError(parameters, `${why}\n${stderr.trim()}`))
        return
      }
      try {
        resolve(JSON.parse(line))
      } catch (error) {
        reject(new ScenarioError(parameters, `unreadable output ${line}: ${String(error)}`))
      }
    })
  })
}
