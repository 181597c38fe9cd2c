import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Config, ConfigProvider, Duration, Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { timedStop } from "./support/stepsAndStops.js"
import { mark } from "./support/time.js"

describe("clock steps and stops: Repeater.layerConfig", () => {
  const fromEnv = (env: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env }))

  it.effect("with no settings (all are optional) it is the default service: 30 seconds of stop grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.andThen(mark(log, "start"), Effect.never).pipe(Effect.onInterrupt(() => mark(log, "interrupted"))),
        { name: "busy", every: "1 minute" }
      )
      yield* TestClock.adjust("0 millis")
      const stopping = yield* Effect.forkChild(timedStop(handle.stop()))
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(yield* Fiber.join(stopping), ["interrupted", 30_000])
      assert.deepStrictEqual(log, ["start@0", "interrupted@30000"])
    }).pipe(Effect.provide(Repeater.layerConfig({}))))

  it.effect("an eventBufferSize of 0 from Config fails the layer with a RepeaterConfigError naming the setting", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(
          Repeater.layerConfig({ eventBufferSize: Config.Int("REPEATER_EVENT_BUFFER") }).pipe(
            Layer.provide(fromEnv({ REPEATER_EVENT_BUFFER: "0" }))
          )
        ))
      )
      assert.instanceOf(error, RepeaterConfigError)
      assert.strictEqual(error instanceof RepeaterConfigError ? error.field : undefined, "eventBufferSize")
    }))
})

describe("validation: service settings", () => {
  const settingsError = (settings: Parameters<typeof Repeater.layerWith>[0]) =>
    Effect.flip(Effect.scoped(Layer.build(Repeater.layerWith(settings))))

  it.effect("a negative or non-finite defaultGrace fails the layer with a RepeaterConfigError", () =>
    Effect.gen(function*() {
      for (const defaultGrace of [-1, "-5 seconds", Infinity, NaN] as const) {
        const error = yield* settingsError({ defaultGrace })
        assert.instanceOf(error, RepeaterConfigError)
        assert.strictEqual(error.field, "defaultGrace")
        assert.deepStrictEqual(error.value, defaultGrace)
        assert.include(error.message, "defaultGrace")
      }
    }))

  it.effect("an eventBufferSize that is not a whole number of 1 or more fails the layer", () =>
    Effect.gen(function*() {
      for (const eventBufferSize of [0, -3, 1.5, NaN]) {
        const error = yield* settingsError({ eventBufferSize })
        assert.strictEqual(error.field, "eventBufferSize")
        assert.deepStrictEqual(error.value, eventBufferSize)
        assert.include(error.message, String(eventBufferSize))
      }
    }))

  it.effect("valid settings build the service: defaultGrace 0 interrupts an in-flight run at once", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.never, { name: "zero-grace", every: "1 minute" })
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* handle.stop(), "interrupted")
    }).pipe(Effect.provide(Repeater.layerWith({ defaultGrace: 0, eventBufferSize: 16 }))))
})

describe("Repeater.layerConfig", () => {
  const fromEnv = (env: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env }))
  const settings = {
    defaultGrace: Config.Duration("REPEATER_DEFAULT_GRACE").pipe(Config.withDefault(Duration.seconds(30)))
  }

  it.effect("reads the settings from Config: a default grace of 0 interrupts an in-flight run at once", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.never, { name: "from-config", every: "1 minute" })
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* handle.stop(), "interrupted")
    }).pipe(
      Effect.provide(
        Repeater.layerConfig(settings).pipe(Layer.provide(fromEnv({ REPEATER_DEFAULT_GRACE: "0 millis" })))
      )
    ))

  it.effect("an invalid value fails the layer with a ConfigError naming the key", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(
          Repeater.layerConfig(settings).pipe(Layer.provide(fromEnv({ REPEATER_DEFAULT_GRACE: "soon" })))
        ))
      )
      assert.isTrue(error instanceof Config.ConfigError)
      assert.include(String(error), "REPEATER_DEFAULT_GRACE")
    }))

  it.effect("a negative grace from Config fails the layer with a RepeaterConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(
          Repeater.layerConfig({ defaultGrace: Config.Number("GRACE_MILLIS") }).pipe(
            Layer.provide(fromEnv({ GRACE_MILLIS: "-1" }))
          )
        ))
      )
      assert.instanceOf(error, RepeaterConfigError)
    }))
})
