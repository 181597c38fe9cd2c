import { assert, describe, it } from "@effect/vitest"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { killAll, spawnNode, waitFor } from "../src/Processes.js"

const packageDir = fileURLToPath(new URL("..", import.meta.url))

describe("Processes", () => {
  it("reads a child's lines as they come, waits for one, and kills the child", async () => {
    const dir = mkdtempSync(join(tmpdir(), "testkit-processes-"))
    const script = join(dir, "lines.ts")
    // two lines in one write, then a line split over two writes, then it stays alive
    writeFileSync(
      script,
      [
        "process.stdout.write('one\\ntwo\\nthr')",
        "setTimeout(() => process.stdout.write('ee\\n'), 100)",
        "process.stderr.write('to stderr')",
        "setInterval(() => {}, 1000)"
      ].join("\n")
    )
    const lines: Array<string> = []
    const child = spawnNode(script, [], { cwd: packageDir, onLine: (line) => lines.push(line) })
    try {
      await waitFor("three lines", () => lines.length === 3, 60_000, [child])
      assert.deepStrictEqual(lines, ["one", "two", "three"])
      await waitFor("stderr", () => child.output.includes("to stderr"), 60_000, [child])
      assert.isFalse(child.exited)
    } finally {
      await killAll([child])
      rmSync(dir, { recursive: true, force: true })
    }
    assert.isTrue(child.exited)
    assert.isNull(await child.exit)
  }, 60_000)

  it("waitFor fails after its deadline, naming what it waited for", async () => {
    const error = await waitFor("a condition that never holds", () => false, 200).then(() => undefined, (e) => e)
    assert.instanceOf(error, Error)
    assert.include(String(error), "a condition that never holds")
  })
})
