import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { AppConfig, environment } from "../src/AppConfig.js"

const read = (env: Record<string, string>) =>
  Effect.provide(AppConfig, AppConfig.layer).pipe(
    Effect.provideService(ConfigProvider.ConfigProvider, environment(env))
  )

const readError = (env: Record<string, string>) => Effect.map(Effect.flip(read(env)), String)

describe("AppConfig", () => {
  it.effect("defaults: 127.0.0.1:3000, ./data/tokens.db, a cleanup every 5 seconds", () =>
    Effect.gen(function*() {
      const settings = yield* read({})
      assert.strictEqual(settings.host, "127.0.0.1")
      assert.strictEqual(settings.port, 3000)
      assert.strictEqual(settings.databasePath, "./data/tokens.db")
      assert.isTrue(Duration.equals(settings.cleanupInterval, Duration.seconds(5)))
    }))

  it.effect("reads every setting from its variable; PORT=0 picks a free port", () =>
    Effect.gen(function*() {
      const settings = yield* read({ HOST: "::1", PORT: "0", DATABASE_PATH: "/tmp/x.db", CLEANUP_INTERVAL: "1" })
      assert.deepStrictEqual(
        { ...settings, cleanupInterval: Duration.toMillis(settings.cleanupInterval) },
        { host: "::1", port: 0, databasePath: "/tmp/x.db", cleanupInterval: 1000 }
      )
      assert.strictEqual((yield* read({ PORT: "65535" })).port, 65535)
    }))

  it.effect("CLEANUP_INTERVAL: seconds, fractions of seconds, or a duration", () =>
    Effect.gen(function*() {
      const millis = (value: string) =>
        Effect.map(read({ CLEANUP_INTERVAL: value }), (settings) => Duration.toMillis(settings.cleanupInterval))
      assert.strictEqual(yield* millis("30"), 30_000)
      assert.strictEqual(yield* millis("0.5"), 500)
      assert.strictEqual(yield* millis("500 millis"), 500)
      assert.strictEqual(yield* millis("2 minutes"), 120_000)
      assert.strictEqual(yield* millis("86400"), 86_400_000)
    }))

  it.effect("a bad PORT fails with an error naming the variable and the value", () =>
    Effect.gen(function*() {
      for (const value of ["abc", "-1", "65536", "1.5", "", "3000abc"]) {
        assert.strictEqual(
          yield* readError({ PORT: value }),
          `ConfigError(SchemaError(expected a TCP port, a whole number from 0 to 65535 (0: any free port), got ${
            JSON.stringify(value)
          }\n  at ["PORT"]))`
        )
      }
    }))

  it.effect("a bad CLEANUP_INTERVAL fails with an error naming the variable and the value", () =>
    Effect.gen(function*() {
      for (const value of ["abc", "0", "-5", "0 seconds", "86401", "2 days", "Infinity", ""]) {
        assert.strictEqual(
          yield* readError({ CLEANUP_INTERVAL: value }),
          `ConfigError(SchemaError(expected a positive number of seconds (5, 0.5) or a duration (500 millis) of at most 1 day, got ${
            JSON.stringify(value)
          }\n  at ["CLEANUP_INTERVAL"]))`
        )
      }
    }))

  it.effect("an empty DATABASE_PATH fails with an error naming the variable and the value", () =>
    Effect.gen(function*() {
      for (const value of ["", "   "]) {
        assert.strictEqual(
          yield* readError({ DATABASE_PATH: value }),
          `ConfigError(SchemaError(expected the path of the database file (or :memory:), got ${
            JSON.stringify(value)
          }: an empty path would open an anonymous temporary database, lost when the server stops\n  at ["DATABASE_PATH"]))`
        )
      }
    }))
})
