import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { untyped } from "./support/untyped.js"

describe("options that are not an object", () => {
  for (const value of [null, undefined, 5, "every second", []]) {
    it.effect(`fork with ${JSON.stringify(value) ?? "undefined"} fails with a RepeaterConfigError`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          Effect.scoped(Repeater.fork(Effect.void, untyped<Repeater.RepeaterOptions>(value))).pipe(
            Effect.provide(Repeater.layer)
          )
        )
        assert.strictEqual(error._tag, "RepeaterConfigError")
        assert.strictEqual(error.field, "options")
        assert.deepStrictEqual(error.value, value)
        assert.include(error.reason, "must be an object")
      }))
  }

  it.effect("Repeater.validate(null) fails with a RepeaterConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Repeater.validate(untyped<Repeater.RepeaterOptions>(null)))
      assert.strictEqual(error.field, "options")
      assert.strictEqual(error.value, null)
    }))

  it.effect("layerWith(null) and make(null) fail with a RepeaterConfigError naming the settings", () =>
    Effect.gen(function*() {
      const layered = yield* Effect.flip(Layer.launch(Repeater.layerWith(untyped<Repeater.RepeaterSettings>(null))))
      assert.strictEqual(layered._tag, "RepeaterConfigError")
      assert.strictEqual(layered.field, "settings")
      assert.strictEqual(layered.value, null)
      const made = yield* Effect.flip(Effect.scoped(Repeater.make(untyped<Repeater.RepeaterSettings>(null))))
      assert.strictEqual(made.field, "settings")
    }))

  it.effect("layerWith(undefined) is the default service", () =>
    Effect.gen(function*() {
      const names = yield* Repeater.list.pipe(
        Effect.provide(Repeater.layerWith(untyped<Repeater.RepeaterSettings>(undefined)))
      )
      assert.deepStrictEqual(names, [])
    }))
})
