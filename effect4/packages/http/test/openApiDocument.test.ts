import { Repeater } from "@effect-repeater/core"
import { RepeaterEventSchema } from "@effect-repeater/core/RepeaterEvent"
import { RepeaterStatusSchema } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpApi from "effect/http-api/HttpApi"
import * as OpenApi from "effect/http-api/OpenApi"
import * as Schema from "effect/Schema"
import * as RepeaterHttpApi from "../src/RepeaterHttpApi.js"
import { bearer, request, serve } from "./support/server.js"

const Document = Schema.Struct({
  paths: Schema.Record(Schema.String, Schema.Unknown),
  components: Schema.Struct({ schemas: Schema.Record(Schema.String, Schema.Unknown) })
})

/** Follows a JSON path of keys. */
const at = (value: unknown, ...keys: ReadonlyArray<string>): unknown =>
  keys.reduce<unknown>(
    (current, key) => typeof current === "object" && current !== null ? Reflect.get(current, key) : undefined,
    value
  )

describe("the OpenAPI document", () => {
  it.live("GET /repeaters/openapi.json describes the event stream's data lines with the RepeaterEvent schema", () =>
    Effect.gen(function*() {
      const url = yield* serve(yield* Repeater.make())
      const response = yield* request(`${url}/repeaters/openapi.json`, { headers: bearer() })
      assert.strictEqual(response.status, 200)
      const document = yield* Effect.flatMap(
        Effect.promise(() => response.json()),
        (body) => Schema.decodeUnknownEffect(Document)(body).pipe(Effect.orDie)
      )
      const events = at(document.paths, "/repeaters/events", "get")
      const content = at(events, "responses", "200", "content", "text/event-stream", "schema")
      assert.deepStrictEqual(at(content, "contentSchema"), { $ref: "#/components/schemas/RepeaterEvent" })
      assert.strictEqual(at(content, "contentMediaType"), "application/json")
      assert.include(String(at(events, "description")), "`data:` line")
      // the component is the event schema's own JSON Schema, one member per tag
      const component = document.components.schemas.RepeaterEvent
      const members = at(component, "anyOf")
      assert.isArray(members)
      const tags = (members as ReadonlyArray<unknown>).map((member) => at(member, "$ref"))
      assert.deepStrictEqual(
        tags,
        ["RunStarted", "RunSucceeded", "RunFailed", "TickSkipped", "Stopped", "Completed", "Failed"].map((tag) =>
          `#/components/schemas/${tag}`
        )
      )
      assert.deepStrictEqual(
        at(document.components.schemas.RunSucceeded, "required"),
        ["_tag", "name", "run", "scheduledAt", "startedAt", "durationMillis"]
      )
    }))

  it("the statuses are described by the RepeaterStatus schema (the JSON the handlers answer)", () => {
    const document = OpenApi.fromApi(HttpApi.make("app").add(RepeaterHttpApi.group))
    const list = at(document.paths, "/repeaters", "get", "responses", "200", "content", "application/json", "schema")
    assert.deepStrictEqual(at(list, "items"), { $ref: "#/components/schemas/RepeaterStatus" })
    const expected = Schema.toJsonSchemaDocument(RepeaterStatusSchema)
    assert.deepStrictEqual(
      Object.keys(at(document.components.schemas, "RepeaterStatus", "properties") as object),
      Object.keys(at(expected, "definitions", "RepeaterStatus", "properties") as object)
    )
    assert.include(Object.keys(document.components.schemas), "RepeaterEvent")
    // (the event schema is the core's, not a copy)
    assert.isDefined(RepeaterHttpApi.EventStreamData.ast.encoding)
    assert.isTrue(
      Schema.is(Schema.toType(RepeaterEventSchema))(
        Schema.decodeUnknownSync(RepeaterHttpApi.EventStreamData)(`{"_tag":"Completed","name":"n","runs":2}`)
      )
    )
  })
})
