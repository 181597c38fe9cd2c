/**
 * Blocking jobs off the event loop: the main thread's event-loop delay while a 200 ms synchronous job runs every
 * 250 ms, inline versus in a `WorkerPool` thread; and how fast a run's timeout really stops a runaway function in a
 * worker thread.
 *
 * @since 0.1.0
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { Section, SectionOptions } from "../Section.js"

const child = fileURLToPath(new URL("./nodeWorkersChild.ts", import.meta.url))

/** Runs one measurement in a fresh `node` process and returns what it printed after `RESULT `. */
const measure = (args: ReadonlyArray<string>): Promise<Record<string, number>> =>
  new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ["--import", "tsx", child, ...args], {
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    process_.stdout.on("data", (chunk) => stdout += String(chunk))
    process_.stderr.on("data", (chunk) => stderr += String(chunk))
    process_.on("error", reject)
    process_.on("exit", (code) => {
      const line = stdout.split("\n").find((_) => _.startsWith("RESULT "))
      if (code !== 0 || line === undefined) {
        reject(new Error(`node-workers ${args.join(" ")} exited with code ${code}:\n${stderr}`))
      } else {
        resolve(JSON.parse(line.slice("RESULT ".length)))
      }
    })
  })

const format = (value: number) =>
  Number.isInteger(value)
    ? String(value)
    : Math.abs(value) >= 100
    ? value.toFixed(0)
    : Math.abs(value) >= 10
    ? value.toFixed(1)
    : value.toFixed(2)

/** median [min–max] of the repeats */
const cell = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return sorted.length === 1 ?
    format(median) :
    `${format(median)} [${format(sorted[0])}–${format(sorted[sorted.length - 1])}]`
}

const repeatRuns = async (
  options: SectionOptions,
  label: string,
  repeats: number,
  args: ReadonlyArray<string>
) => {
  const results: Array<Record<string, number>> = []
  for (let i = 1; i <= repeats; i++) {
    const result = await measure(args)
    options.log(`  ${label} #${i}: ${JSON.stringify(result)}`)
    results.push(result)
  }
  return (key: string) => cell(results.map((_) => _[key]))
}

/**
 * @since 0.1.0
 * @category sections
 */
export const nodeWorkers: Section = {
  id: "node-workers",
  title: "Node: blocking jobs in worker threads",
  run: async (options) => {
    const repeats = options.smoke ? 1 : 3
    // 3 s: 12 blocking jobs per process, 36 over the runs, within the benchmark's 10 minutes
    const seconds = options.smoke ? 1 : 3
    const timeouts = options.smoke ? 1 : 5

    const lagRows: Array<string> = []
    for (const where of ["inline", "worker"] as const) {
      const stat = await repeatRuns(options, `lag ${where}`, repeats, ["lag", where, String(seconds)])
      lagRows.push(
        `| ${where === "inline" ? "inline (main thread)" : "WorkerPool thread"} | ${stat("p50")} | ${stat("p99")} | ${
          stat("max")
        } | ${stat("runs")} |`
      )
    }
    const kill = await repeatRuns(options, "timeout", repeats, ["kill", String(timeouts)])

    return [
      `Event-loop delay of the main thread (\`perf_hooks.monitorEventLoopDelay\`, 1 ms resolution) over ${seconds} s`,
      "while a repeater runs a 200 ms synchronous job every 250 ms (`mode: \"rate\"`), in the main thread or in a",
      `\`WorkerPool\` thread. ${repeats} fresh \`node\` processes; median [min–max] in ms. The delay is sampled`,
      "about every millisecond while the loop is free, so the many short samples between two inline jobs make p50;",
      "each blocked stretch is one long sample, seen in p99 and max.",
      "",
      "| job runs | p50 ms | p99 ms | max ms | runs |",
      "|---|---|---|---|---|",
      ...lagRows,
      "",
      "A repeater's run calls a runaway function (an endless loop) in a `WorkerPool` thread, with `timeout: \"100 millis\"`.",
      "Measured from the run's timeout (its start + 100 ms): when the function last ran (its thread was terminated),",
      "when the run ended (after the thread's exit event), and when a fresh thread had served the next call. A",
      "negative first figure means that the thread's last turn came before the timeout (it was waiting for a core).",
      "Median of",
      `${timeouts} timeouts per process, ${repeats} fresh \`node\` processes; median [min–max] in ms.`,
      "",
      "| function stopped ms | run ended ms | fresh thread served ms |",
      "|---|---|---|",
      `| ${kill("stopped")} | ${kill("ended")} | ${kill("fresh")} |`,
      ""
    ].join("\n")
  }
}
