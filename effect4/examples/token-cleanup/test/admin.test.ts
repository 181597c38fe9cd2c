/**
 * The repeaters' admin API mounted in the real server process: the token
 * from `ADMIN_TOKEN`, and the refusal to start open off loopback.
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { baseUrlOf, spawnServer } from "./support/serverProcess.js"

const dir = mkdtempSync(join(tmpdir(), "token-cleanup-admin-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const adminToken = randomBytes(24).toString("base64url")

describe("the admin API in the server process", () => {
  it("needs ADMIN_TOKEN on /repeaters, while the application's own routes stay as they are", async () => {
    const server = spawnServer({
      PORT: "0",
      DATABASE_PATH: join(dir, "tokens.db"),
      CLEANUP_INTERVAL: "3600",
      ADMIN_TOKEN: adminToken
    })
    try {
      const baseUrl = await baseUrlOf(server)
      const refused = await fetch(`${baseUrl}/repeaters`)
      assert.strictEqual(refused.status, 401)
      assert.strictEqual(refused.headers.get("www-authenticate"), "Bearer realm=\"repeaters\"")
      const wrong = await fetch(`${baseUrl}/repeaters`, { headers: { authorization: "Bearer nope" } })
      assert.strictEqual(wrong.status, 401)

      const response = await fetch(`${baseUrl}/repeaters/token-cleanup`, {
        headers: { authorization: `Bearer ${adminToken}` }
      })
      assert.strictEqual(response.status, 200)
      const status: unknown = await response.json()
      assert.deepInclude(status, { name: "token-cleanup" })

      assert.strictEqual((await fetch(`${baseUrl}/tokens`)).status, 200)
      assert.strictEqual((await fetch(`${baseUrl}/repeaters/dashboard`)).status, 200)
      assert.notInclude(server.output(), adminToken)
    } finally {
      server.kill()
    }
  }, 60_000)

  it("without ADMIN_TOKEN on loopback (the default HOST), it is open and says so", async () => {
    const server = spawnServer({ PORT: "0", DATABASE_PATH: ":memory:", CLEANUP_INTERVAL: "3600" })
    try {
      const baseUrl = await baseUrlOf(server)
      assert.strictEqual((await fetch(`${baseUrl}/repeaters`)).status, 200)
      assert.match(server.output(), /Repeater admin API without authentication, on http:\/\/127\.0\.0\.1:\d+ only/)
    } finally {
      server.kill()
    }
  }, 60_000)

  it("refuses to start without ADMIN_TOKEN on a non-loopback address (HOST=0.0.0.0), exiting with code 1", async () => {
    const server = spawnServer({ PORT: "0", HOST: "0.0.0.0", DATABASE_PATH: ":memory:" })
    try {
      const { code } = await server.exited
      assert.strictEqual(code, 1)
      assert.match(
        server.output(),
        /Invalid repeater admin API setting "unauthenticated" \(true\): is only accepted on a server bound to loopback, and this one listens on http:\/\/0\.0\.0\.0:\d+: configure a token/
      )
    } finally {
      server.kill()
    }
  }, 60_000)
})
