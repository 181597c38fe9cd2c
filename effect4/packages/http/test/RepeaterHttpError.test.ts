import { RepeaterHttp, RepeaterHttpApi } from "@effect-repeater/http"
import { assert, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"

const errors = [
  new RepeaterHttpApi.RepeaterNotFound({ repeater: "nightly", message: "No repeater named \"nightly\" is running" }),
  new RepeaterHttpApi.InvalidRepeaterName({ repeater: "a\nb", message: "Invalid option \"name\"" }),
  new RepeaterHttpApi.TooManyEventStreams({ maxStreams: 100, message: "too many" }),
  new RepeaterHttpApi.InternalError({ message: "GET /repeaters failed" }),
  new RepeaterHttpApi.Unauthorized({ message: "no token" }),
  new RepeaterHttp.RepeaterHttpConfigError({ field: "token", value: "(none)", reason: "is required" })
] as const

describe("the errors of @effect-repeater/http: one family", () => {
  it("isRepeaterHttpError recognises every error of the package, and nothing else", () => {
    assert.isTrue(errors.every(RepeaterHttp.isRepeaterHttpError))
    assert.isFalse(RepeaterHttp.isRepeaterHttpError(new Error("other")))
    assert.isFalse(RepeaterHttp.isRepeaterHttpError({ _tag: "RepeaterNotFound", repeater: "x", message: "" }))
  })

  it("each error's guard recognises its own tag only", () => {
    const guards = [
      RepeaterHttpApi.RepeaterNotFound.is,
      RepeaterHttpApi.InvalidRepeaterName.is,
      RepeaterHttpApi.TooManyEventStreams.is,
      RepeaterHttpApi.InternalError.is,
      RepeaterHttpApi.Unauthorized.is,
      RepeaterHttp.RepeaterHttpConfigError.is
    ]
    guards.forEach((guard, index) =>
      assert.deepStrictEqual(errors.map((error) => guard(error)), errors.map((_, other) => other === index))
    )
  })

  it("the name asked for is `repeater`: an error's `name` stays its class name", () => {
    const [notFound, invalid] = errors
    assert.strictEqual(String(notFound), "RepeaterNotFound: No repeater named \"nightly\" is running")
    assert.notInclude(String(invalid), "a\nb:")
    assert.deepStrictEqual(Schema.encodeSync(RepeaterHttpApi.RepeaterNotFound)(notFound), {
      _tag: "RepeaterNotFound",
      repeater: "nightly",
      message: "No repeater named \"nightly\" is running"
    })
  })
})
