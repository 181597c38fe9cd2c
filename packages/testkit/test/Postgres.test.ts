import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { startPostgres } from "../src/Postgres.js"

describe("Postgres", () => {
  it("starts a private server on 127.0.0.1, creates databases in it, and stops it", async () => {
    const postgres = await startPostgres()
    try {
      assert.strictEqual(postgres.url(), `postgres://postgres@127.0.0.1:${postgres.port}/postgres`)
      assert.strictEqual(postgres.url("ticks"), `postgres://postgres@127.0.0.1:${postgres.port}/ticks`)
      postgres.createDatabase("ticks")
      // the server has it now: creating it again fails
      assert.throws(() => postgres.createDatabase("ticks"), /already exists/)
    } finally {
      postgres.stop()
    }
    // stopped: nothing listens on its port any more
    assert.throws(() => execFileSync("pg_isready", ["-h", "127.0.0.1", "-p", String(postgres.port)], { stdio: "pipe" }))
  }, 60_000)
})
