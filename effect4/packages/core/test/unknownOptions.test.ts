import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { untyped } from "./support/untyped.js"

describe("unknown options", () => {
  it.effect("a misspelt option of fork fails with the nearest known name", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(
          Repeater.fork(
            Effect.void,
            untyped<Repeater.RepeaterOptions>({ name: "a", every: "1 second", timout: "5 seconds" })
          )
        ).pipe(Effect.provide(Repeater.layer))
      )
      assert.strictEqual(error._tag, "RepeaterConfigError")
      assert.strictEqual(error.field, "timout")
      assert.strictEqual(error.value, "5 seconds")
      assert.strictEqual(error.repeater, "a")
      assert.include(error.message, "did you mean \"timeout\"?")
    }))

  it.effect("an option far from every known one lists them", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Repeater.validate(untyped<Repeater.RepeaterOptions>({ name: "a", every: "1 second", colour: "red" }))
      )
      assert.strictEqual(error.field, "colour")
      assert.include(error.reason, "the options are name, every")
    }))

  it.effect("background reports an unknown option when its Layer is built", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.launch(
          Repeater.background(Effect.void, untyped<Repeater.RepeaterOptions>({ name: "a", evry: "1 second" }))
        ).pipe(Effect.provide(Repeater.layer))
      )
      assert.strictEqual(error._tag, "RepeaterConfigError")
      assert.strictEqual(error.field, "evry")
      assert.include(error.reason, "did you mean \"every\"?")
    }))

  it.effect("a misspelt setting of layerWith and make fails the same way", () =>
    Effect.gen(function*() {
      const layered = yield* Effect.flip(
        Layer.launch(Repeater.layerWith(untyped<Repeater.RepeaterSettings>({ defaultGrase: "1 second" })))
      )
      assert.strictEqual(layered.field, "defaultGrase")
      assert.strictEqual(layered.value, "1 second")
      assert.include(layered.reason, "did you mean \"defaultGrace\"?")
      const made = yield* Effect.flip(
        Effect.scoped(Repeater.make(untyped<Repeater.RepeaterSettings>({ eventBuffer: 10 })))
      )
      assert.strictEqual(made.field, "eventBuffer")
      assert.include(made.reason, "did you mean \"eventBufferSize\"?")
    }))
})
