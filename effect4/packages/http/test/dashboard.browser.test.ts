import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { mkdirSync } from "node:fs"
import { createServer, type Server } from "node:http"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium } from "playwright-core"
import { launchOptions } from "./support/chromium.js"
import { serve, token } from "./support/server.js"

const buildDir = fileURLToPath(new URL("../build", import.meta.url))

/** Debian's chromium, headless, kept off the network it would otherwise try to reach. */
const launch = Effect.acquireRelease(
  Effect.promise(() => chromium.launch(launchOptions)),
  (browser) => Effect.promise(() => browser.close())
)

const page = (browser: Browser) =>
  Effect.acquireRelease(
    Effect.promise(() => browser.newPage({ viewport: { width: 1280, height: 480 } })),
    (page) => Effect.promise(() => page.close())
  )

/** A repeater name that would be markup in HTML, and has a slash, a query and a fragment in a URL. */
const hostile = "<img src=x onerror=\"window.injected=true\"> reports/daily?x=1#top"

describe("dashboard in a real browser", () => {
  it.live(
    "asks for the token once, shows the repeaters, runs one now, updates live and shows a failure",
    () =>
      Effect.gen(function*() {
        const service = yield* Repeater.make()
        const [heartbeat] = yield* Effect.provideService(
          Effect.all([
            Repeater.fork(Effect.void, { name: "heartbeat", every: "1 hour", waitFirst: true }),
            Repeater.fork(
              Effect.fail(new Error("the import failed", { cause: new Error("database unreachable") })),
              { name: "import-orders", every: "1 hour", waitFirst: true }
            ),
            Repeater.fork(Effect.void, { name: "cleanup-tokens", cron: "0 3 * * *", timeZone: "UTC" }),
            // a name and an error message that would be markup, and a name that needs encoding in a URL
            Repeater.fork(
              Effect.fail(new Error("<script>window.injected = true</script><b>bold</b> & <i>more</i>")),
              { name: hostile, every: "1 hour", waitFirst: true }
            )
          ]),
          Repeater.Repeater,
          service
        )
        const url = yield* serve(service)
        const browser = yield* launch
        const tab = yield* page(browser)
        const errors: Array<string> = []
        tab.on("pageerror", (error) => errors.push(error.message))
        tab.on("dialog", (dialog) => {
          errors.push(`dialog: ${dialog.message()}`)
          void dialog.dismiss()
        })
        tab.on("console", (message) => {
          if (message.type() === "error") errors.push(message.text())
        })

        yield* Effect.promise(async () => {
          await tab.goto(`${url}/repeaters/dashboard`)
          // no data before the token
          await tab.locator("#token").waitFor({ state: "visible" })
          assert.strictEqual(await tab.locator("#rows tr").count(), 0)
          // a wrong token is refused and asked again
          await tab.fill("#token", "not-the-token")
          await tab.press("#token", "Enter")
          await tab.getByText("That token was not accepted").waitFor()
          await tab.fill("#token", token)
          await tab.getByRole("button", { name: "Open" }).click()

          const row = (name: string) => tab.locator(`#rows tr[data-name="${name}"]`)
          const field = (name: string, field: string) => row(name).locator(`[data-field="${field}"]`)
          await row("heartbeat").waitFor()
          await tab.locator("#connection", { hasText: "live" }).waitFor()
          assert.deepStrictEqual(
            (await tab.locator("#rows tr td.name").allTextContents()).sort(),
            ["cleanup-tokens", "heartbeat", "import-orders", hostile].sort()
          )
          assert.strictEqual(await field("heartbeat", "runs").textContent(), "0")
          assert.strictEqual(await field("heartbeat", "state").textContent(), "scheduled")
          assert.notStrictEqual(await field("cleanup-tokens", "nextRun").textContent(), "—")

          // "Run now": the run count grows
          await row("heartbeat").getByRole("button", { name: "Run now" }).click()
          await field("heartbeat", "runs").filter({ hasText: /^1$/ }).waitFor()
          assert.notStrictEqual(await field("heartbeat", "lastRun").textContent(), "—")

          // a failure's message appears
          await row("import-orders").getByRole("button", { name: "Run now" }).click()
          // its message and its cause's, without the stack frames
          await field("import-orders", "lastError").filter({ hasText: "database unreachable" }).waitFor()
          assert.strictEqual(
            await field("import-orders", "lastError").textContent(),
            "Error: the import failed; cause: Error: database unreachable"
          )
          assert.strictEqual(await field("import-orders", "failures").textContent(), "1")

          // markup in a name or an error is shown as text, and the name reaches the API whole
          const hostileRow = tab.locator("#rows tr").filter({ has: tab.locator("td.name", { hasText: hostile }) })
          await hostileRow.getByRole("button", { name: "Run now" }).click()
          await hostileRow.locator(`[data-field="runs"]`).filter({ hasText: /^1$/ }).waitFor()
          await hostileRow.locator(`[data-field="lastError"]`).filter({ hasText: "<script>" }).waitFor()
          assert.strictEqual(
            await hostileRow.locator(`[data-field="lastError"]`).textContent(),
            "Error: <script>window.injected = true</script><b>bold</b> & <i>more</i>"
          )
          assert.strictEqual(await hostileRow.locator("td.name").textContent(), hostile)
          assert.strictEqual(await tab.locator("#rows img, #rows script, #rows b, #rows i").count(), 0)
          assert.isUndefined(await tab.evaluate("window.injected"))

          // pause and resume
          await row("cleanup-tokens").getByRole("button", { name: "Pause" }).click()
          await field("cleanup-tokens", "state").filter({ hasText: /^paused$/ }).waitFor()
          await row("cleanup-tokens").getByRole("button", { name: "Resume" }).click()
          await field("cleanup-tokens", "state").filter({ hasText: /^scheduled$/ }).waitFor()
        })

        // a run started elsewhere shows up through the event stream, without reloading
        yield* heartbeat.runNow
        yield* Effect.promise(async () => {
          const runs = tab.locator(`#rows tr[data-name="heartbeat"] [data-field="runs"]`)
          await runs.filter({ hasText: /^2$/ }).waitFor()
          mkdirSync(buildDir, { recursive: true })
          await tab.screenshot({ path: join(buildDir, "dashboard.png"), fullPage: true })

          // the token is kept for the tab, never in the URL: a reload does not ask again
          assert.notInclude(tab.url(), token)
          await tab.reload()
          await tab.locator(`#rows tr[data-name="heartbeat"]`).waitFor()
          assert.isTrue(await tab.locator("#login").isHidden())
          // "Forget the token" asks again
          await tab.getByRole("button", { name: "Forget the token" }).click()
          await tab.locator("#token").waitFor({ state: "visible" })
          assert.strictEqual(await tab.evaluate("sessionStorage.length"), 0)
        })
        assert.deepStrictEqual(errors.filter((error) => !error.includes("401")), [])
      }),
    { timeout: 120_000 }
  )

  it.live(
    "without a token on loopback: the dashboard works, and another site's page cannot run a repeater",
    () =>
      Effect.gen(function*() {
        const service = yield* Repeater.make()
        const [target, other] = yield* Effect.provideService(
          Effect.all([
            Repeater.fork(Effect.void, { name: "target", every: "1 hour", waitFirst: true }),
            Repeater.fork(Effect.void, { name: "other", every: "1 hour", waitFirst: true })
          ]),
          Repeater.Repeater,
          service
        )
        const url = yield* serve(service, { unauthenticated: true })
        // another site, on another origin of this machine, whose page posts to the admin API
        const attack = `<!doctype html><script>
          fetch(${JSON.stringify(`${url}/repeaters/target/run`)}, { method: "POST", mode: "no-cors" })
            .finally(() => { document.title = "sent" })
        </script>`
        const attacker = yield* Effect.acquireRelease(
          Effect.callback<Server>((resume) => {
            const server = createServer((_, response) => {
              response.writeHead(200, { "content-type": "text/html" }).end(attack)
            })
            server.listen(0, "127.0.0.1", () => {
              resume(Effect.succeed(server))
            })
          }),
          (server) =>
            Effect.callback<void>((resume) => {
              server.closeAllConnections()
              server.close(() => resume(Effect.void))
            })
        )
        const attackerAddress = attacker.address()
        const attackerPort = typeof attackerAddress === "object" && attackerAddress !== null ? attackerAddress.port : 0
        const browser = yield* launch
        const tab = yield* page(browser)
        yield* Effect.promise(async () => {
          await tab.goto(`http://localhost:${attackerPort}/`)
          await tab.waitForFunction("document.title === \"sent\"")
          // the dashboard's own requests are accepted: no token asked, its buttons work
          await tab.goto(`${url}/repeaters/dashboard`)
          const runs = (name: string) => tab.locator(`#rows tr[data-name="${name}"] [data-field="runs"]`)
          await runs("other").waitFor()
          assert.isTrue(await tab.locator("#login").isHidden())
          await tab.locator(`#rows tr[data-name="other"]`).getByRole("button", { name: "Run now" }).click()
          await runs("other").filter({ hasText: /^1$/ }).waitFor()
        })
        assert.strictEqual((yield* other.status).runs, 1)
        // the other site's request reached the server before the dashboard's, and was refused
        assert.strictEqual((yield* target.status).runs, 0)
      }),
    { timeout: 120_000 }
  )
})
