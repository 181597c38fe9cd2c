import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as SqlClient from "effect/sql/SqlClient"
import * as TestClock from "effect/testing/TestClock"
import * as Cleanup from "../src/Cleanup.js"
import { TokenRepo } from "../src/TokenRepo.js"
import { repoInMemory, testConfig } from "./support/layers.js"

/**
 * The cleanup repeater over an in-memory database, with a logger that
 * collects the log messages. With `TestClock`, its first run comes at the
 * first clock adjustment, so tests create tokens before that.
 */
const withCleanup = <A, E, R>(
  cleanupInterval: Duration.Input,
  test: (messages: ReadonlyArray<string>) => Effect.Effect<A, E, R>
) => {
  const messages: Array<string> = []
  const collect = Logger.make(({ message }) => {
    messages.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
  })
  return test(messages).pipe(Effect.provide(
    Cleanup.layer.pipe(
      Layer.provideMerge(repoInMemory),
      Layer.provide(testConfig({ cleanupInterval: Duration.fromInputUnsafe(cleanupInterval) })),
      Layer.provideMerge(Logger.layer([collect], { mergeWithExisting: true }))
    )
  ))
}

const removals = (messages: ReadonlyArray<string>) => messages.filter((message) => message.startsWith("removed "))

describe("Cleanup", () => {
  it.effect("deletes the expired tokens at once and then every interval, and logs how many it removed", () =>
    withCleanup("5 seconds", (messages) =>
      Effect.gen(function*() {
        const repo = yield* TokenRepo
        yield* repo.create("3 seconds")
        yield* repo.create("7 seconds")
        yield* repo.create("8 seconds")
        const kept = yield* repo.create("60 seconds")

        yield* TestClock.adjust("0 millis")
        assert.deepStrictEqual(removals(messages), ["removed 0 expired tokens"])

        // runs at 0, 5, 10 s; nothing in between
        yield* TestClock.adjust("4999 millis")
        assert.strictEqual(removals(messages).length, 1)
        yield* TestClock.adjust("1 millis")
        assert.deepStrictEqual(removals(messages), ["removed 0 expired tokens", "removed 1 expired token"])
        yield* TestClock.adjust("5 seconds")
        assert.deepStrictEqual(removals(messages), [
          "removed 0 expired tokens",
          "removed 1 expired token",
          "removed 2 expired tokens"
        ])
        assert.strictEqual(yield* repo.count, 1)
        assert.deepStrictEqual((yield* repo.live).map((token) => token.id), [kept.id])

        const status = yield* Effect.flatMap(Repeater.get(Cleanup.name), (handle) => handle.status)
        assert.strictEqual(status.runs, 3)
        assert.strictEqual(status.failures, 0)
      })))

  it.effect("a failed run is logged with its cause and the next run still comes", () =>
    withCleanup("1 second", (messages) =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const handle = yield* Repeater.get(Cleanup.name)
        yield* TestClock.adjust("0 millis")
        assert.deepStrictEqual(removals(messages), ["removed 0 expired tokens"])

        yield* sql`ALTER TABLE tokens RENAME TO tokens_away`
        yield* TestClock.adjust("1 second")
        const failed = yield* handle.status
        assert.strictEqual(failed.failures, 1)
        assert.include(
          failed.lastFailure._tag === "Some" ? failed.lastFailure.value : "",
          "SqlError: Failed to execute statement"
        )

        yield* sql`ALTER TABLE tokens_away RENAME TO tokens`
        yield* TestClock.adjust("1 second")
        assert.deepStrictEqual(removals(messages), ["removed 0 expired tokens", "removed 0 expired tokens"])
        const status = yield* handle.status
        assert.strictEqual(status.runs, 3)
        assert.strictEqual(status.failures, 1)
      })))
})
