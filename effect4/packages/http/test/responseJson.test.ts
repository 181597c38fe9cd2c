import { Repeater } from "@effect-repeater/core"
import { RepeaterEventSchema } from "@effect-repeater/core/RepeaterEvent"
import { RepeaterStatusSchema } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { bearer, eventually, readSse, request, serve, sseData } from "./support/server.js"

const json = (response: Response): Effect.Effect<unknown> => Effect.promise(() => response.json())

describe("the JSON the admin API answers", () => {
  it.live("a status is the core's RepeaterStatusSchema encoding of the handle's status", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const failed = yield* Deferred.make<void>()
      const handle = yield* Effect.provideService(
        Repeater.fork(Effect.andThen(Deferred.succeed(failed, undefined), Effect.die(new Error("boom"))), {
          name: "failing",
          every: "1 hour"
        }),
        Repeater.Repeater,
        service
      )
      yield* Deferred.await(failed)
      const url = yield* serve(service)
      const body = yield* eventually(Effect.gen(function*() {
        const answered = yield* json(yield* request(`${url}/repeaters/failing`, { headers: bearer() }))
        assert.propertyVal(answered, "runs", 1)
        return answered
      }))
      assert.deepStrictEqual(body, Schema.encodeSync(RepeaterStatusSchema)(yield* handle.status))
      // and it decodes back into a status
      const decoded = Schema.decodeUnknownSync(RepeaterStatusSchema)(body)
      assert.strictEqual(decoded.failures, 1)
      const list = yield* json(yield* request(`${url}/repeaters`, { headers: bearer() }))
      assert.deepStrictEqual(list, Schema.encodeSync(Schema.Array(RepeaterStatusSchema))(yield* service.list))
    }))

  it.live("each data line of the event stream is the core's RepeaterEventSchema encoding of the event", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const url = yield* serve(service)
      const response = yield* request(`${url}/repeaters/events`, { headers: bearer() })
      assert.strictEqual(response.status, 200)
      const published = yield* Effect.forkChild(Stream.runCollect(Stream.take(service.events, 3)))
      yield* Effect.yieldNow
      const reading = yield* Effect.forkChild(readSse(response, (messages) => sseData(messages).length >= 3))
      const handle = yield* Effect.provideService(
        Repeater.fork(Effect.void, { name: "once", every: "1 hour", maxRepetitions: 1 }),
        Repeater.Repeater,
        service
      )
      yield* handle.join
      const events = yield* Fiber.join(published)
      const data: ReadonlyArray<unknown> = sseData(yield* Fiber.join(reading)).slice(0, 3)
      assert.deepStrictEqual(data, events.map((event) => Schema.encodeSync(RepeaterEventSchema)(event)))
      const decoded = data.map((line) => Schema.decodeUnknownSync(RepeaterEventSchema)(line))
      assert.deepStrictEqual(decoded.map((event) => event._tag), ["RunStarted", "RunSucceeded", "Completed"])
      decoded.forEach((event, index) => assert.isTrue(Equal.equals(event, events[index])))
    }))
})
