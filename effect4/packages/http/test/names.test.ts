import * as Repeater from "@effect-repeater/core/Repeater"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import * as FastCheck from "fast-check"
import { bearer, request, serve } from "./support/server.js"

/** Names that URLs, percent-encoding or the router treat specially. */
const tricky = [
  "nightly report",
  " padded ",
  "a/b",
  "/",
  "a/",
  "//",
  "%",
  "%41",
  "%2F",
  "100%",
  "a?b",
  "?",
  "a#b",
  "#",
  "a;b",
  "a+b&c=d",
  "a\\b",
  "~!*'()",
  "@:$,",
  "...",
  ".hidden",
  "..a",
  "é",
  "ß",
  "Ω",
  "i\u0307",
  "日本語の名前",
  "😀",
  "👩‍👩‍👧",
  "\u200b",
  "a\ufeffb",
  "x".repeat(100),
  "😀".repeat(50),
  "é".repeat(100),
  "events",
  "EVENTS",
  "dashboard",
  "Dashboard",
  "dashboard/app.js",
  "openapi.json",
  "run",
  "status"
]

/** Names that routes of the group shadow for `GET /repeaters/:name` (the router ignores case). */
const shadowed = new Set(["events", "dashboard", "openapi.json"])

const json = (response: Response) => Effect.promise(() => response.json() as Promise<Record<string, unknown>>)

/** Every route by name answers for the repeater `name`, forked in `service`; the last one stops it. */
const reachable = (service: Repeater.Repeater, url: string, name: string) =>
  Effect.gen(function*() {
    const base = `${url}/repeaters/${encodeURIComponent(name)}`
    const listed = yield* json(yield* request(`${url}/repeaters`, { headers: bearer() }))
    assert.include((listed as unknown as Array<{ name: string }>).map((status) => status.name), name)
    const routes: ReadonlyArray<readonly [string, string]> = [
      ...(shadowed.has(name.toLowerCase()) ? [] : [["GET", base] as const]),
      ["GET", `${base}/status`],
      ["POST", `${base}/run`],
      ["POST", `${base}/pause`],
      ["POST", `${base}/resume`],
      ["POST", `${base}/stop`]
    ]
    for (const [method, route] of routes) {
      const response = yield* request(route, { method, headers: bearer() })
      assert.strictEqual(response.status, 200, `${method} ${route}`)
      assert.strictEqual((yield* json(response)).name, name, `${method} ${route}`)
    }
    // stopped: gone, for every route
    const gone = yield* request(`${base}/status`, { headers: bearer() })
    assert.strictEqual(gone.status, 404, name)
    assert.deepStrictEqual(yield* json(gone), {
      _tag: "RepeaterNotFound",
      repeater: name,
      message: `No repeater named "${name}" is running`
    })
    assert.isTrue(Exit.isFailure(yield* Effect.exit(service.get(name))))
  })

describe("names over HTTP", () => {
  it.live("every route by name reaches repeaters with tricky names", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const url = yield* serve(service)
      for (const name of tricky) {
        yield* Effect.provideService(
          Repeater.fork(Effect.void, { name, every: "1 hour", waitFirst: true }),
          Repeater.Repeater,
          service
        )
      }
      for (const name of tricky) yield* reachable(service, url, name)
    }))

  it.live("every name the core accepts is reachable by every route (property)", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const url = yield* serve(service)
      const run = Effect.runPromiseWith(yield* Effect.context<Scope.Scope>())
      let accepted = 0
      const check = (name: string) =>
        run(Effect.gen(function*() {
          const exit = yield* Effect.exit(Effect.provideService(
            Repeater.fork(Effect.void, { name, every: "1 hour", waitFirst: true }),
            Repeater.Repeater,
            service
          ))
          if (Exit.isFailure(exit)) return
          accepted++
          yield* reachable(service, url, name)
        }))
      const names = FastCheck.oneof(
        FastCheck.string({ unit: "binary", minLength: 1, maxLength: 110 }),
        FastCheck.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
        FastCheck.string({
          unit: FastCheck.constantFrom(".", "/", "%", "?", "#", ";", " ", "+", "&", "=", "a", "E", "İ", "é", "\n"),
          minLength: 1,
          maxLength: 12
        })
      )
      yield* Effect.promise(() => FastCheck.assert(FastCheck.asyncProperty(names, check), { numRuns: 200 }))
      // (most of the generated names are accepted: the property is not vacuous)
      assert.isAbove(accepted, 100)
    }))

  it.live("a name no repeater can have is 400, a free one 404", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const url = yield* serve(service)
      for (const name of ["a\nb", "\u0000", "tab\there", "   ", "a\u007f"]) {
        for (const [method, suffix] of [["GET", ""], ["GET", "/status"], ["POST", "/run"], ["POST", "/stop"]]) {
          const response = yield* request(`${url}/repeaters/${encodeURIComponent(name)}${suffix}`, {
            method,
            headers: bearer()
          })
          assert.strictEqual(response.status, 400, `${JSON.stringify(name)} ${method} ${suffix}`)
          const body = yield* json(response)
          assert.strictEqual(body._tag, "InvalidRepeaterName")
          assert.strictEqual(body.repeater, name)
          assert.include(String(body.message), "Invalid option \"name\"")
        }
      }
      const free = yield* request(`${url}/repeaters/free/status`, { headers: bearer() })
      assert.strictEqual(free.status, 404)
    }))
})
