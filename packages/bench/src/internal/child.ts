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

const bundles = new Map<string, Promise<string>>()

/**
 * A script of this package (`src/<entry>.ts`) bundled into `build/<output>.mjs` (once per process), so that no
 * TypeScript loader runs in the measured processes.
 */
export const bundle = (entry: string, output: string = entry): Promise<string> => {
  let bundled = bundles.get(entry)
  if (bundled === undefined) {
    const outfile = path.join(packageDir, "build", `${output}.mjs`)
    bundled = build({
      entryPoints: [path.join(packageDir, "src", `${entry}.ts`)],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "warning"
    }).then(() => outfile)
    bundles.set(entry, bundled)
  }
  return bundled
}

/** The scenario script bundled into `build/scenario/scenario.mjs` (once per process). */
export const scenarioBundle = (): Promise<string> => bundle("scenario/main", "scenario/scenario")

/** A scenario process that failed. */
export class ScenarioError extends Error {
  constructor(readonly parameters: unknown, readonly detail: string) {
    super(`scenario ${JSON.stringify(parameters)} failed: ${detail}`)
  }
}

/** Runs one scenario in a fresh process and returns the JSON it printed. */
export const runScenario = async <A>(parameters: ScenarioParameters, timeoutMs = 300_000): Promise<A> =>
  runBundled(await scenarioBundle(), parameters, timeoutMs)

/**
 * Runs a bundled script in a fresh `node --expose-gc` process (this Node, or the binary `node`) with its JSON
 * parameters; returns the JSON it printed.
 */
export const runBundled = <A>(
  script: string,
  parameters: unknown,
  timeoutMs: number,
  node: string = process.execPath
): Promise<A> => {
  return new Promise<A>((resolve, reject) => {
    const child = spawn(node, ["--expose-gc", script, JSON.stringify(parameters)], {
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
