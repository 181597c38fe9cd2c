import { Repeater } from "@effect-repeater/core"
import { RepeaterStatusSchema } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { bearer, eventually, request, serve } from "./support/server.js"

/** A status as the API answers it: its JSON. */
const RepeaterStatusJson = Schema.toEncoded(RepeaterStatusSchema)

const statuses = (response: Response) =>
  Effect.flatMap(
    Effect.promise(() => response.json()),
    (body) => Schema.decodeUnknownEffect(Schema.Array(RepeaterStatusJson))(body).pipe(Effect.orDie)
  )

describe("a repeater whose next run can never come", () => {
  it.live("GET /repeaters answers 200 for every repeater, before and after its run, next to a normal one", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const release = yield* Deferred.make<void>()
      yield* Effect.provideService(
        Effect.all([
          Repeater.fork(Effect.void, { name: "normal", every: "1 hour" }),
          Repeater.fork(Deferred.await(release), { name: "never", schedule: Schedule.spaced(Duration.infinity) })
        ]),
        Repeater.Repeater,
        service
      )
      const url = yield* serve(service)
      const list = () =>
        Effect.gen(function*() {
          const response = yield* request(`${url}/repeaters`, { headers: bearer() })
          assert.strictEqual(response.status, 200)
          return yield* statuses(response)
        })
      // during its first run, both are listed
      const during = yield* eventually(Effect.gen(function*() {
        const body = yield* list()
        assert.deepStrictEqual(body.map((status) => status.name).sort(), ["never", "normal"])
        assert.isTrue(body.find((status) => status.name === "never")!.inFlight)
        return body
      }))
      assert.isNull(during.find((status) => status.name === "never")!.nextRun)
      assert.isString(during.find((status) => status.name === "normal")!.nextRun)
      // after it: its next run is never, so it completes; the normal one is still answered
      yield* Deferred.succeed(release, undefined)
      const after = yield* eventually(Effect.gen(function*() {
        const body = yield* list()
        assert.deepStrictEqual(body.map((status) => status.name), ["normal"])
        return body
      }))
      assert.isString(after[0].nextRun)
    }))
})
