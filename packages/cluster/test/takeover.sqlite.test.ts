import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assertTable, checkContinuity, eventsOf, runScenario, type ScenarioResult } from "./support/scenario.js"

let dir = ""
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cluster-sqlite-"))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const ticksInTable = (filename: string) =>
  Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ scheduled_at: number }>`SELECT scheduled_at FROM ticks`).pipe(
      Effect.provide(SqliteClient.layer({ filename })),
      Effect.scoped
    )
  )

const report = (label: string, result: ScenarioResult) => {
  for (const takeover of result.takeovers) {
    process.stdout.write(
      `${label}: takeover after ${takeover.signal} in ${takeover.millis} ms (first run after ${takeover.firstRunMillis} ms)\n`
    )
  }
}

/** What every scenario must show: runs recorded once each, no duplicate, no tick lost beyond the policy. */
const assertSound = async (result: ScenarioResult, filename: string, policy: "skip" | "runOnce") => {
  const all = eventsOf(result.runners, "run")
  const inserted = eventsOf(result.runners, "inserted")
  assert.deepStrictEqual(eventsOf(result.runners, "duplicate"), [], "a tick ran twice")
  assert.deepStrictEqual(checkContinuity(result.runners, 1000, policy), [])
  const rows = (await ticksInTable(filename)).map((row) => Number(row.scheduled_at))
  assertTable(rows, all, inserted)
}

describe("three runner processes over one SQLite file", () => {
  it(
    "SIGKILL of the holder: another runner takes over, runs the latest missed tick once, no tick twice; then SIGTERM of the new holder",
    async () => {
      const filename = join(dir, "runOnce.db")
      const result = await runScenario({ storage: { sqlite: filename }, signals: ["SIGKILL", "SIGTERM"] })
      report("sqlite", result)
      assert.strictEqual(result.takeovers.length, 2)
      for (const takeover of result.takeovers) {
        assert.isTrue(takeover.to.events.some((event) => event.event === "holding" && event.at >= takeover.signalledAt))
      }
      const [killed, terminated] = result.takeovers
      assert.notStrictEqual(killed.to.pid, killed.from.pid)
      assert.notStrictEqual(terminated.to.pid, terminated.from.pid)
      assert.strictEqual(result.sigtermExit, 0, "a SIGTERMed runner exits cleanly")
      assert.isTrue(
        terminated.from.events.some((event) => event.event === "stopping"),
        "the SIGTERMed runner shut down its layers"
      )
      // at least one tick was missed during the SIGKILL takeover (lock expiry): it was caught up once
      assert.isTrue(eventsOf(result.runners, "run").some((event) => event.catchUp === true))
      await assertSound(result, filename, "runOnce")
    },
    180_000
  )

  it("missed: \"skip\": the new holder waits for the next tick and runs none of the missed ones", async () => {
    const filename = join(dir, "skip.db")
    const result = await runScenario({ storage: { sqlite: filename }, signals: ["SIGKILL"], missed: "skip" })
    report("sqlite skip", result)
    assert.strictEqual(result.takeovers.length, 1)
    assert.isFalse(eventsOf(result.runners, "run").some((event) => event.catchUp === true))
    await assertSound(result, filename, "skip")
  }, 180_000)
})
