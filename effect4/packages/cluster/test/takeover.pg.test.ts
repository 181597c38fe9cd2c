import * as PgClient from "@effect/sql-pg/PgClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as SqlClient from "effect/sql/SqlClient"
import { privatePostgres } from "./support/postgres.js"
import { assertTable, checkContinuity, eventsOf, runScenario } from "./support/scenario.js"

const postgres = privatePostgres()

const ticksInTable = (url: string) =>
  Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ scheduled_at: string }>`SELECT scheduled_at FROM ticks`).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(url) })),
      Effect.scoped
    )
  )

describe("three runner processes over one PostgreSQL database", () => {
  it(
    "SIGKILL of the holder, then SIGTERM of the next: each time another runner takes over, no tick twice, the latest missed tick caught up once",
    async () => {
      const url = postgres().url()
      const result = await runScenario({ storage: { pg: url }, signals: ["SIGKILL", "SIGTERM"] })
      for (const takeover of result.takeovers) {
        process.stdout.write(
          `pg: takeover after ${takeover.signal} in ${takeover.millis} ms (first run after ${takeover.firstRunMillis} ms)\n`
        )
      }
      assert.strictEqual(result.takeovers.length, 2)
      for (const takeover of result.takeovers) {
        assert.notStrictEqual(takeover.to.pid, takeover.from.pid)
        assert.isTrue(takeover.to.events.some((event) => event.event === "holding" && event.at >= takeover.signalledAt))
      }
      assert.strictEqual(result.sigtermExit, 0, "a SIGTERMed runner exits cleanly")
      assert.deepStrictEqual(eventsOf(result.runners, "duplicate"), [], "a tick ran twice")
      assert.deepStrictEqual(checkContinuity(result.runners, 1000, "runOnce"), [])
      const rows = (await ticksInTable(url)).map((row) => Number(row.scheduled_at))
      assertTable(rows, eventsOf(result.runners, "run"), eventsOf(result.runners, "inserted"))
    },
    180_000
  )
})
