import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { killAll, type RunnerProcess, runs, startRunners, waitFor } from "./support/processes.js"
import { checkContinuity, eventsOf } from "./support/scenario.js"

let dir = ""
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cluster-stall-"))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/**
 * One runner process whose event loop is blocked once for 2.4 periods: the
 * ticks core's rate-mode overrun rule skips are reported, and they are the
 * only ticks missing from its runs.
 */
const stalled = async (stallIn: "run" | "idle") => {
  const runners: Array<RunnerProcess> = []
  try {
    runners.push(
      ...await startRunners([{ sqlite: join(dir, `${stallIn}.db`), stall: { afterRun: 3, ms: 2400, in: stallIn } }])
    )
    const [runner] = runners
    await waitFor(
      "3 runs after the stall",
      () => {
        const stall = runner.events.find((event) => event.event === "stall")
        return stall !== undefined && runs(runner).filter((event) => event.at > stall.at + 3000).length >= 3
      },
      90_000,
      runners
    )
    return runner
  } finally {
    await killAll(runners)
  }
}

const assertSkipsExplainTheGap = (runner: RunnerProcess) => {
  assert.deepStrictEqual(eventsOf([runner], "duplicate"), [], "a tick ran twice")
  const ticks = runs(runner).map((event) => event.scheduledAt!)
  const skipped = eventsOf([runner], "skipped")
  assert.isAbove(skipped.length, 0, "the stall made core skip ticks")
  const reported = skipped.reduce((sum, event) => sum + event.count!, 0)
  // the ticks missing from the runs are exactly those reported as skipped
  assert.strictEqual((ticks.at(-1)! - ticks[0]) / 1000 + 1 - ticks.length, reported, JSON.stringify(runner.events))
  assert.deepStrictEqual(checkContinuity([runner], 1000, "runOnce"), [])
  // the same runs without the reports: the check finds the lost ticks
  const unreported = { pid: runner.pid, events: runner.events.filter((event) => event.event !== "skipped") }
  assert.lengthOf(checkContinuity([unreported], 1000, "runOnce"), skipped.length)
}

describe("a runner process whose event loop stalls for more than a period (rate mode, SQLite)", () => {
  it(
    "during a run: the ticks skipped by core's overrun rule are reported, no other tick is lost, none runs twice",
    async () => {
      assertSkipsExplainTheGap(await stalled("run"))
    },
    120_000
  )

  it(
    "while it waits for the next tick: the late run stands for its own tick, the skipped ones are reported",
    async () => {
      assertSkipsExplainTheGap(await stalled("idle"))
    },
    120_000
  )
})
