/**
 * The real server as a child process over real HTTP on a free port of
 * 127.0.0.1, with a database file in a temporary directory.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { afterAll, assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as SqlClient from "effect/sql/SqlClient"
import { mkdtempSync, rmSync } from "node:fs"
import { connect, type Socket } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Database from "../src/Database.js"
import { badRequests, send } from "./support/badRequests.js"
import { baseUrlOf, type ServerProcess, spawnServer, waitFor } from "./support/serverProcess.js"

const dir = mkdtempSync(join(tmpdir(), "token-cleanup-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface TokenInfoJson {
  readonly id: string
  readonly expiresAt: string
}

interface TokenJson extends TokenInfoJson {
  readonly token: string
}

const isTokenInfoJson = (value: unknown): value is TokenInfoJson =>
  typeof value === "object" && value !== null && "id" in value && typeof value.id === "string" &&
  "expiresAt" in value && typeof value.expiresAt === "string"

const isTokenJson = (value: unknown): value is TokenJson =>
  isTokenInfoJson(value) && "token" in value && typeof value.token === "string"

const createToken = async (baseUrl: string, ttlSeconds: number): Promise<TokenJson> => {
  const response = await fetch(`${baseUrl}/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ttlSeconds })
  })
  assert.strictEqual(response.status, 201)
  const body: unknown = await response.json()
  assert.isTrue(isTokenJson(body))
  return isTokenJson(body) ? body : { id: "", token: "", expiresAt: "" }
}

/** The ids of the live tokens; the list never holds a secret. */
const liveTokens = async (baseUrl: string): Promise<Array<string>> => {
  const response = await fetch(`${baseUrl}/tokens`)
  assert.strictEqual(response.status, 200)
  const body: unknown = await response.json()
  assert.isTrue(Array.isArray(body) && body.every((token) => isTokenInfoJson(token) && !("token" in token)))
  return Array.isArray(body) ? body.filter(isTokenInfoJson).map(({ id }) => id) : []
}

const postToken = (baseUrl: string) =>
  fetch(`${baseUrl}/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ttlSeconds: 3600 })
  })

/** A request's status, its body (JSON, or the text if it is not) and how long it took in milliseconds. */
const timed = async (request: Promise<Response>) => {
  const started = performance.now()
  const response = await request
  const text = await response.text()
  const ms = performance.now() - started
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON: the text as it is
  }
  return { status: response.status, body, ms }
}

/** Another connection to the database file (in this process) that holds SQLite's write lock until released. */
const holdWriteLock = async (filename: string) => {
  const runtime = ManagedRuntime.make(Database.client(filename).pipe(Layer.provide(NodeServices.layer)))
  const execute = (statement: string) =>
    runtime.runPromise(Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)))
  await execute("BEGIN IMMEDIATE")
  return {
    release: async () => {
      await execute("ROLLBACK")
      await runtime.dispose()
    }
  }
}

/** The counts of the "removed N expired token(s)" lines so far. */
const removedCounts = (output: string) =>
  Array.from(output.matchAll(/removed (\d+) expired tokens?\b/g), (match) => Number(match[1]))

const sigterm = async (server: ServerProcess) => {
  server.child.kill("SIGTERM")
  return await server.exited
}

describe("the server process", () => {
  it(
    "removes expired tokens, answers bad requests with 400s, stops on SIGTERM with code 0, and keeps the data across a restart",
    async () => {
      const env = { PORT: "0", DATABASE_PATH: join(dir, "db", "tokens.db"), CLEANUP_INTERVAL: "1" }
      let longLived: Array<string> = []

      const first = spawnServer(env)
      try {
        const baseUrl = await baseUrlOf(first)
        const short = [await createToken(baseUrl, 1), await createToken(baseUrl, 1)]
        longLived = [(await createToken(baseUrl, 3600)).id, (await createToken(baseUrl, 3600)).id]

        // the repeater removes the two short-lived tokens (in one run, or in two if a run fell between their expiries)
        await waitFor("the cleanup to remove 2 tokens", () => {
          const counts = removedCounts(first.output())
          return counts.reduce((a, b) => a + b, 0) === 2 ? counts : undefined
        })
        assert.isTrue(removedCounts(first.output()).some((count) => count > 0))
        assert.match(first.output(), /removed (2 expired tokens|1 expired token)/)
        const live = await liveTokens(baseUrl)
        assert.sameMembers(live, longLived)
        assert.notIncludeMembers(live, short.map(({ id }) => id))

        // every bad request gets its 400, and the server goes on serving
        for (const badRequest of badRequests) {
          assert.deepStrictEqual(
            await send(baseUrl, badRequest),
            { status: 400, body: { _tag: "BadRequest", message: badRequest.message } },
            badRequest.name
          )
        }
        const health = await fetch(`${baseUrl}/health`)
        assert.strictEqual(health.status, 200)
        assert.sameMembers(await liveTokens(baseUrl), longLived)

        // SIGTERM: the server closes, then the repeater stops, then the database closes; exit code 0
        assert.deepStrictEqual(await sigterm(first), { code: 0, signal: null })
        const output = first.output()
        const closed = ["HTTP server closed", "token cleanup stopped", "database closed"].map((line) =>
          output.indexOf(line)
        )
        assert.isTrue(closed.every((index) => index >= 0), output)
        assert.deepStrictEqual([...closed].sort((a, b) => a - b), closed, output)
      } finally {
        first.kill()
      }

      // a restart on the same database file keeps the unexpired tokens
      const second = spawnServer(env)
      try {
        const baseUrl = await baseUrlOf(second)
        assert.sameMembers(await liveTokens(baseUrl), longLived)
        assert.deepStrictEqual(await sigterm(second), { code: 0, signal: null })
      } finally {
        second.kill()
      }
    },
    120_000
  )

  it(
    "on SIGTERM, connections that stay open (a half-sent request, an idle socket) are closed after 5 s; exit code 0",
    async () => {
      const server = spawnServer({ PORT: "0", DATABASE_PATH: ":memory:" })
      const sockets: Array<Socket> = []
      try {
        const baseUrl = await baseUrlOf(server)
        const { port } = new URL(baseUrl)
        const open = async (request: string) => {
          const socket = connect(Number(port), "127.0.0.1")
          sockets.push(socket)
          const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()))
          socket.on("error", () => undefined)
          await new Promise<void>((resolve) => socket.on("connect", () => resolve()))
          socket.write(request)
          return { closed }
        }
        // a request whose body never comes, and a connection that never sends anything: Node's server.close()
        // alone waits for both (up to its requestTimeout, 5 minutes, and headersTimeout, 1 minute)
        const halfSent = await open(
          "POST /tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"ttl"
        )
        const idle = await open("")
        server.child.kill("SIGTERM")
        const deadline = new Promise<"the server did not exit within 40 s of SIGTERM">((resolve) =>
          setTimeout(() => resolve("the server did not exit within 40 s of SIGTERM"), 40_000).unref()
        )
        const exit = await Promise.race([server.exited, deadline])
        assert.deepStrictEqual(exit, { code: 0, signal: null }, server.output())
        await Promise.all([halfSent.closed, idle.closed])
        const output = server.output()
        const lines = [
          "open connections 5s after the shutdown began: closing them",
          "HTTP server closed",
          "database closed"
        ]
        const at = lines.map((line) => output.indexOf(line))
        assert.isTrue(at.every((index) => index >= 0), output)
        assert.deepStrictEqual([...at].sort((a, b) => a - b), at, output)
      } finally {
        sockets.forEach((socket) => socket.destroy())
        server.kill()
      }
    },
    90_000
  )

  it(
    "two servers on one database file keep serving while another connection holds SQLite's write lock",
    async () => {
      const databasePath = join(dir, "shared", "tokens.db")
      const env = { PORT: "0", DATABASE_PATH: databasePath, CLEANUP_INTERVAL: "0.5" }
      const a = spawnServer(env)
      const b = spawnServer(env)
      let lock: { readonly release: () => Promise<void> } | undefined
      try {
        const [urlA, urlB] = await Promise.all([baseUrlOf(a), baseUrlOf(b)])
        const ids = [(await createToken(urlA, 3600)).id, (await createToken(urlB, 3600)).id]
        assert.sameMembers(await liveTokens(urlA), ids)
        assert.sameMembers(await liveTokens(urlB), ids)

        // another connection (a backup, an operator's sqlite3 shell) takes the write lock and keeps it
        lock = await holdWriteLock(databasePath)
        const lockedWrite = timed(postToken(urlA))
        // meanwhile /health answers at once on both, though each cleanup run (every 0.5 s) finds the database locked
        // (a statement blocks the event loop 50 ms at most; before, 5 s each, and /health took 5 to 10 s; the bounds
        // leave room for a loaded machine: the slowest request under half of one old wait, the median far below)
        const health: Array<number> = []
        const until = Date.now() + 2500
        while (Date.now() < until) {
          for (const url of [urlA, urlB]) {
            const { status, ms } = await timed(fetch(`${url}/health`))
            assert.strictEqual(status, 200)
            health.push(ms)
          }
        }
        const sorted = [...health].sort((x, y) => x - y)
        assert.isBelow(
          sorted[Math.floor(sorted.length / 2)] ?? Infinity,
          250,
          `GET /health took ${health.join(", ")} ms`
        )
        assert.isBelow(sorted.at(-1) ?? Infinity, 2500, `GET /health took ${health.join(", ")} ms`)
        // the write gives up after 2 s of retries: a JSON 503
        const refused = await lockedWrite
        assert.deepStrictEqual(refused.body, {
          _tag: "ServiceUnavailable",
          message: "the database is locked by another connection: still locked after 2s of retries: try again later"
        })
        assert.strictEqual(refused.status, 503)
        assert.isAtLeast(refused.ms, 1900)
        assert.isBelow(refused.ms, 5000)
        assert.match(a.output(), /POST \/tokens: the database is locked by another connection/)

        // a write sent while the lock is held is answered once it is released
        const waiting = timed(postToken(urlB))
        await new Promise((resolve) => setTimeout(resolve, 700))
        await lock.release()
        lock = undefined
        const written = await waiting
        assert.strictEqual(written.status, 201)
        assert.isAtLeast(written.ms, 650)
        assert.isTrue(isTokenJson(written.body))
        const all = [...ids, isTokenJson(written.body) ? written.body.id : ""]
        assert.sameMembers(await liveTokens(urlA), all)

        // while a write waits on the lock, a second SIGTERM still exits at once (code 143)
        lock = await holdWriteLock(databasePath)
        const pending = timed(postToken(urlB)).catch(() => undefined)
        await new Promise((resolve) => setTimeout(resolve, 300))
        b.child.kill("SIGTERM")
        await new Promise((resolve) => setTimeout(resolve, 300))
        const second = performance.now()
        b.child.kill("SIGTERM")
        const exit = await b.exited
        const exitMs = performance.now() - second
        assert.deepStrictEqual(exit, { code: 143, signal: null }, b.output())
        // before: 5 s or more, the event loop blocked on the lock; the bound leaves room for a loaded machine
        assert.isBelow(exitMs, 1500, `exited ${exitMs} ms after the second SIGTERM`)
        await pending
        await lock.release()
        lock = undefined

        // the other server went on serving all along
        assert.sameMembers(await liveTokens(urlA), all)
        assert.strictEqual((await timed(postToken(urlA))).status, 201)
        assert.deepStrictEqual(await sigterm(a), { code: 0, signal: null })
      } finally {
        await lock?.release()
        a.kill()
        b.kill()
      }
    },
    120_000
  )

  it(
    "a bad environment variable stops it at startup with code 1 and a message naming the variable and the value",
    async () => {
      const server = spawnServer({ PORT: "abc", DATABASE_PATH: ":memory:" })
      try {
        const { code } = await server.exited
        assert.strictEqual(code, 1)
        assert.include(
          server.output(),
          `expected a TCP port, a whole number from 0 to 65535 (0: any free port), got "abc"\n  at ["PORT"]`
        )
      } finally {
        server.kill()
      }
    },
    60_000
  )

  it(
    "an empty DATABASE_PATH stops it at startup with code 1, naming the variable and the value",
    async () => {
      const server = spawnServer({ PORT: "0", DATABASE_PATH: "" })
      try {
        const { code } = await server.exited
        assert.strictEqual(code, 1)
        assert.include(server.output(), `expected the path of the database file (or :memory:), got ""`)
        assert.include(server.output(), `at ["DATABASE_PATH"]`)
        assert.notInclude(server.output(), "Listening on")
      } finally {
        server.kill()
      }
    },
    60_000
  )
})
