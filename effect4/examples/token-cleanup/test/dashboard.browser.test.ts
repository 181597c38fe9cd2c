/**
 * The dashboard of the running server, in Debian's chromium: the token is
 * asked once, "Run now" makes the run count grow, and a failure of the
 * cleanup (its table renamed away under it) shows its message.
 */
import { launchOptions } from "@effect-repeater/testkit/Chromium"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as SqlClient from "effect/sql/SqlClient"
import { randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { chromium } from "playwright-core"
import * as Database from "../src/Database.js"
import { baseUrlOf, spawnServer } from "./support/serverProcess.js"

const dir = mkdtempSync(join(tmpdir(), "token-cleanup-dashboard-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const buildDir = fileURLToPath(new URL("../build", import.meta.url))

const adminToken = randomBytes(24).toString("base64url")

/** Runs a statement on the server's database file, from outside the server. */
const execute = (filename: string, statement: string) =>
  Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
      Effect.provide(Database.client(filename).pipe(Layer.provide(NodeServices.layer)))
    )
  )

describe("the dashboard of the running server", () => {
  it("asks for the token, runs the cleanup now, and shows a failed run's message", async () => {
    const databasePath = join(dir, "tokens.db")
    const server = spawnServer({
      PORT: "0",
      DATABASE_PATH: databasePath,
      CLEANUP_INTERVAL: "3600",
      ADMIN_TOKEN: adminToken
    })
    const browser = await chromium.launch(launchOptions)
    try {
      const baseUrl = await baseUrlOf(server)
      const page = await browser.newPage({ viewport: { width: 1280, height: 360 } })
      await page.goto(`${baseUrl}/repeaters/dashboard`)
      await page.locator("#token").waitFor({ state: "visible" })
      await page.fill("#token", adminToken)
      await page.getByRole("button", { name: "Open" }).click()

      const row = page.locator(`#rows tr[data-name="token-cleanup"]`)
      const field = (name: string) => row.locator(`[data-field="${name}"]`)
      // the cleanup ran once at startup
      await field("runs").filter({ hasText: /^1$/ }).waitFor()
      await page.locator("#connection", { hasText: "live" }).waitFor()

      await row.getByRole("button", { name: "Run now" }).click()
      await field("runs").filter({ hasText: /^2$/ }).waitFor()
      assert.strictEqual(await field("failures").textContent(), "0")

      // the next run fails: its table is gone
      await execute(databasePath, "ALTER TABLE tokens RENAME TO tokens_away")
      await row.getByRole("button", { name: "Run now" }).click()
      await field("lastError").filter({ hasText: "no such table: tokens" }).waitFor()
      assert.strictEqual(await field("failures").textContent(), "1")
      assert.strictEqual(await field("runs").textContent(), "3")

      mkdirSync(buildDir, { recursive: true })
      await page.screenshot({ path: join(buildDir, "dashboard.png"), fullPage: true })

      // and the one after succeeds again
      await execute(databasePath, "ALTER TABLE tokens_away RENAME TO tokens")
      await row.getByRole("button", { name: "Run now" }).click()
      await field("runs").filter({ hasText: /^4$/ }).waitFor()
    } finally {
      await browser.close()
      server.kill()
    }
  }, 120_000)
})
