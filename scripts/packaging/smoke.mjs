// Runs fixtures/smoke.mjs with plain node inside the consumer project.
import { copyFile } from "node:fs/promises"
import path from "node:path"
import { run } from "./run.mjs"

export const smoke = async (dir) => {
  const target = path.join(dir, "smoke.mjs")
  await copyFile(new URL("fixtures/smoke.mjs", import.meta.url), target)
  const output = await run("smoke", process.execPath, [target], {
    cwd: dir,
    timeoutMs: 30_000,
    pkg: "@effect-repeater/core"
  })
  return output.trim()
}
