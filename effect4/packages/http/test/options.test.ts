import * as Repeater from "@effect-repeater/core/Repeater"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as RepeaterHttp from "../src/RepeaterHttp.js"
import { RepeaterAdminApi } from "../src/RepeaterHttpApi.js"
import { serveLayer, tokenConfig } from "./support/server.js"

/** Builds a real server from `layer`, and answers how it went. */
const buildExit = <R>(layer: () => Layer.Layer<never, unknown, R>) =>
  Effect.gen(function*() {
    const service = yield* Repeater.make()
    // (a layer whose construction throws is caught too: it must fail with a typed error instead)
    return yield* Effect.suspend(() => Layer.build(serveLayer(service, layer())))
      .pipe(Effect.exit)
  })

/** The typed `RepeaterHttpConfigError` the build failed with (not a defect). */
const configError = (exit: Exit.Exit<unknown, unknown>): RepeaterHttp.RepeaterHttpConfigError => {
  if (Exit.isSuccess(exit)) throw new Error("the layer was built")
  const failure = Cause.findErrorOption(exit.cause)
  if (Option.isNone(failure) || !(failure.value instanceof RepeaterHttp.RepeaterHttpConfigError)) {
    throw new Error(`not a typed RepeaterHttpConfigError: ${Cause.pretty(exit.cause)}`)
  }
  return failure.value
}

const viaHandlers = (options: unknown) => () =>
  HttpApiBuilder.layer(RepeaterAdminApi).pipe(
    Layer.provide(
      HttpApiBuilder.group(
        RepeaterAdminApi,
        "repeaters",
        RepeaterHttp.handlersWith(options as RepeaterHttp.HandlersOptions)
      )
    ),
    Layer.provide(RepeaterHttp.layerAuthorization({ token: tokenConfig }))
  )

const viaLayer = (options: unknown) => () => RepeaterHttp.layer({ token: tokenConfig, ...(options as object) })

describe("options", () => {
  describe.each([["handlersWith", viaHandlers], ["layer", viaLayer]] as const)("keepAlive of %s", (_, via) => {
    it.live.each(
      [
        ["abc", "\"abc\"", "is not a duration"],
        ["", "\"\"", "is not a duration"],
        [null, "null", "is not a duration"],
        [true, "true", "is not a duration"],
        [-5, "-5", "out of range"],
        ["-5 seconds", "\"-5 seconds\"", "out of range"],
        [Number.NaN, "NaN", "is not a duration"],
        [Number.POSITIVE_INFINITY, "Infinity", "is not a duration"],
        ["1 nanos", "\"1 nanos\"", "out of range"],
        [999, "999", "out of range"],
        ["999 millis", "\"999 millis\"", "out of range"],
        [Duration.millis(10), "Duration(10ms)", "out of range"],
        [[0, 5], "[0,5]", "out of range"],
        [5n, "5n", "out of range"],
        ["61 minutes", "\"61 minutes\"", "out of range"],
        ["30 days", "\"30 days\"", "out of range"],
        [Duration.infinity, "Duration(Infinity)", "out of range"]
      ] as const
    )(
      "%s is a typed error naming keepAlive and the value as given",
      ([keepAlive, given, reason]) =>
        Effect.gen(function*() {
          const error = configError(yield* buildExit(via({ keepAlive })))
          assert.strictEqual(error.field, "keepAlive")
          assert.strictEqual(error.value, given)
          assert.include(error.reason, reason)
          assert.include(error.message, "from 1s to 1h")
        })
    )

    it.live("accepts 1 second to 1 hour however given", () =>
      Effect.gen(function*() {
        for (const keepAlive of ["1 second", 1000, Duration.minutes(1), [30, 0] as const, "1 hour", undefined]) {
          const exit = yield* buildExit(via({ keepAlive }))
          assert.isTrue(
            Exit.isSuccess(exit),
            `${String(keepAlive)}: ${Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""}`
          )
        }
      }))

    it.live("an unknown key is rejected with the nearest known name", () =>
      Effect.gen(function*() {
        const misspelled = configError(yield* buildExit(via({ keepAlve: "5 seconds" })))
        assert.strictEqual(misspelled.field, "keepAlve")
        assert.strictEqual(misspelled.value, "\"5 seconds\"")
        assert.include(misspelled.message, "did you mean \"keepAlive\"?")
        const cased = configError(yield* buildExit(via({ keepalive: "5 seconds" })))
        assert.include(cased.message, "did you mean \"keepAlive\"?")
        const unknown = configError(yield* buildExit(via({ colour: "red" })))
        assert.strictEqual(unknown.field, "colour")
        assert.include(unknown.message, "the options are")
      }))
  })

  it.live("maxStreams is a whole number from 1 to 100,000", () =>
    Effect.gen(function*() {
      for (
        const [maxStreams, given] of [
          [0, "0"],
          [-1, "-1"],
          [1.5, "1.5"],
          [100_001, "100001"],
          [Number.NaN, "NaN"],
          ["10", "\"10\""],
          [null, "null"]
        ] as const
      ) {
        for (const via of [viaHandlers, viaLayer]) {
          const error = configError(yield* buildExit(via({ maxStreams })))
          assert.strictEqual(error.field, "maxStreams")
          assert.strictEqual(error.value, given)
          assert.include(error.reason, "a whole number from 1 to 100000")
        }
      }
      for (const maxStreams of [1, 100_000, undefined]) {
        assert.isTrue(Exit.isSuccess(yield* buildExit(viaHandlers({ maxStreams }))))
      }
    }))

  it.live("options that are not an object are rejected", () =>
    Effect.gen(function*() {
      for (const options of [null, "1 second", 5, [] as Array<never>]) {
        const handlers = configError(yield* buildExit(viaHandlers(options)))
        assert.strictEqual(handlers.field, "options")
        assert.include(handlers.message, "handlersWith")
        const layer = configError(yield* buildExit(() => RepeaterHttp.layer(options as RepeaterHttp.HandlersOptions)))
        assert.strictEqual(layer.field, "options")
        const authorization = configError(
          yield* buildExit(() =>
            HttpApiBuilder.layer(RepeaterAdminApi).pipe(
              Layer.provide(HttpApiBuilder.group(RepeaterAdminApi, "repeaters", RepeaterHttp.handlers)),
              Layer.provide(RepeaterHttp.layerAuthorization(options as RepeaterHttp.AuthorizationOptions))
            )
          )
        )
        assert.strictEqual(authorization.field, "options")
      }
    }))

  it.live("layer and layerAuthorization check their keys and values too", () =>
    Effect.gen(function*() {
      const misspelled = configError(yield* buildExit(() => RepeaterHttp.layer({ tokne: tokenConfig } as never)))
      assert.strictEqual(misspelled.field, "tokne")
      assert.include(misspelled.message, "did you mean \"token\"?")
      const unauthenticated = configError(
        yield* buildExit(() => RepeaterHttp.layer({ unauthenticated: "yes" } as never))
      )
      assert.strictEqual(unauthenticated.field, "unauthenticated")
      assert.strictEqual(unauthenticated.value, "\"yes\"")
      const token = configError(yield* buildExit(() => RepeaterHttp.layer({ token: "s3cret-token" } as never)))
      assert.strictEqual(token.field, "token")
      // the token itself is never shown
      assert.notInclude(token.message, "s3cret")
    }))
})
