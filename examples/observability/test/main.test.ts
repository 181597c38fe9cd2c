import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

describe("the example program", () => {
  it("prints the spans, metrics and logs of its repeaters with the console exporters, then exits", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: root,
      env: { ...process.env, RUN_SECONDS: "5" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      let output = ""
      child.stdout.on("data", (chunk: Buffer) => output += chunk.toString())
      child.stderr.on("data", (chunk: Buffer) => output += chunk.toString())
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve))
      expect(code).toBe(0)
      // spans of each repeater
      expect(output).toContain("name: 'Repeater.run'")
      for (const name of ["heartbeat", "import-orders", "report"]) {
        expect(output).toContain(`'repeater.name': '${name}'`)
      }
      expect(output).toContain("name: 'render-report'")
      // metrics, exported at least once at shutdown
      expect(output).toContain("name: 'repeater_runs_total'")
      expect(output).toContain("name: 'repeater_run_duration_ms'")
      // logs: a run's own, and the failure of the second import with its cause
      expect(output).toContain("body: 'imported 12 orders'")
      expect(output).toContain("body: 'Repeater \"import-orders\" run 2 failed'")
      expect(output).toContain("'exception.message': 'the orders service timed out'")
    } finally {
      child.kill("SIGKILL")
    }
  }, 60_000)
})
