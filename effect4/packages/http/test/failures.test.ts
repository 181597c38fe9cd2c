import * as Repeater from "@effect-repeater/core/Repeater"
import type { RepeaterHandle } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import { bearer, collectLogs, request, serve } from "./support/server.js"

interface Logged {
  readonly level: string
  readonly message: string
  readonly annotations: Record<string, unknown>
  readonly cause: string
}

/** Runs `effect` with every log collected into `logs`. */
const collectingLogs = (logs: Array<Logged>) =>
  collectLogs(({ annotations, cause, level, message }) =>
    logs.push({ level, message: message.map(String).join(" "), annotations, cause: Cause.pretty(cause) })
  )

const boom = (what: string) => Effect.die(new Error(`${what} exploded`))

/** A repeater whose every operation dies. */
const brokenHandle: RepeaterHandle = {
  name: "broken",
  status: boom("status"),
  runNow: boom("runNow"),
  pause: boom("pause"),
  resume: boom("resume"),
  stop: () => boom("stop"),
  join: boom("join")
} as unknown as RepeaterHandle

describe("handler failures", () => {
  it.live("are logged with their Cause and answered 500 with a JSON body, on every route", () =>
    Effect.gen(function*() {
      const logs: Array<Logged> = []
      yield* Effect.gen(function*() {
        const real = yield* Repeater.make()
        const service: Repeater.Repeater = {
          ...real,
          list: boom("list"),
          get: (name) => name === "broken" ? Effect.succeed(brokenHandle) : real.get(name)
        }
        const url = yield* serve(service)
        const routes = [
          ["GET", "/repeaters", "list"],
          ["GET", "/repeaters/broken", "status"],
          ["POST", "/repeaters/broken/run", "runNow"],
          ["POST", "/repeaters/broken/pause", "pause"],
          ["POST", "/repeaters/broken/resume", "resume"],
          ["POST", "/repeaters/broken/stop", "stop"]
        ] as const
        for (const [method, path, what] of routes) {
          const response = yield* request(`${url}${path}`, { method, headers: bearer() })
          assert.strictEqual(response.status, 500, path)
          assert.strictEqual(response.headers.get("content-type"), "application/json", path)
          const body = (yield* Effect.promise(() => response.json())) as { _tag: string; message: string }
          assert.strictEqual(body._tag, "InternalError", path)
          assert.include(body.message, "failed; the error is logged on the server", path)
          // the client learns nothing of the error itself
          assert.notInclude(JSON.stringify(body), "exploded", path)
          const logged = logs.find((log) => log.cause.includes(`${what} exploded`))
          assert.isDefined(logged, `${path}: ${JSON.stringify(logs)}`)
          assert.strictEqual(logged!.level, "ERROR")
          assert.include(logged!.message, "failed")
          assert.isString(logged!.annotations.endpoint)
        }
        // an unknown name is still a 404, not a failure
        const missing = yield* request(`${url}/repeaters/nope`, { headers: bearer() })
        assert.strictEqual(missing.status, 404)
      }).pipe(collectingLogs(logs))
    }))
})
