import * as Repeater from "@effect-repeater/core/Repeater"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { bearer, request, serve } from "./support/server.js"

const paths = [
  ["GET", "/repeaters/%ZZ"],
  ["GET", "/repeaters/%"],
  ["GET", "/repeaters/a%E0%A4%A"],
  ["GET", "/repeaters/%ZZ/status"],
  ["POST", "/repeaters/%ZZ/run"],
  ["POST", "/repeaters/%C0%AF/stop"]
] as const

describe("a path with malformed percent-encoding", () => {
  it.live("answers a JSON error naming the value, never an empty 404", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const url = yield* serve(service)
      for (const [method, path] of paths) {
        const response = yield* request(`${url}${path}`, { method, headers: bearer() })
        const text = yield* Effect.promise(() => response.text())
        assert.include([400, 404], response.status, `${method} ${path}`)
        assert.include(response.headers.get("content-type") ?? "", "application/json", `${method} ${path}: ${text}`)
        const body = JSON.parse(text) as Record<string, unknown>
        assert.strictEqual(body._tag, "InvalidRepeaterName", `${method} ${path}: ${text}`)
        assert.include(String(body.message), "percent-encoding", `${method} ${path}: ${text}`)
        assert.strictEqual(body.repeater, path.split("/")[2], `${method} ${path}: ${text}`)
      }
    }))
})
