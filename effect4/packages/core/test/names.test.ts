import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { rejects } from "./support/rejections.js"
import { recordingTask } from "./support/stopTiming.js"
import { TaskError } from "./support/taskFailures.js"

describe("names", () => {
  it.effect("a running repeater's name is taken", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(recordingTask(starts), { name: "dup", every: "10 seconds" })
      const error = yield* Effect.flip(Repeater.fork(Effect.void, { name: "dup", every: "5 seconds" }))
      assert.instanceOf(error, RepeaterConfigError)
      assert.strictEqual(error._tag, "RepeaterConfigError")
      assert.strictEqual(error.field, "name")
      assert.strictEqual(error.value, "dup")
      assert.strictEqual(error.repeater, "dup")
      // the first one is not disturbed
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])
      assert.strictEqual((yield* handle.status).state, "scheduled")
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a stopping repeater's name is taken until its run ended, then it is free", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const handle = yield* Repeater.fork(recordingTask(starts, 5_000), { name: "again", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.forkChild(handle.stop())
      yield* TestClock.adjust("0 millis")
      const error = yield* Effect.flip(Repeater.fork(Effect.void, { name: "again", every: "10 seconds" }))
      assert.strictEqual(error.field, "name")
      yield* TestClock.adjust("4 seconds")
      assert.strictEqual(yield* Fiber.join(stopping), "finished")

      const second: Array<number> = []
      const again = yield* Repeater.fork(recordingTask(second), { name: "again", every: "10 seconds" })
      yield* TestClock.adjust("15 seconds")
      assert.deepStrictEqual(starts, [0])
      assert.deepStrictEqual(second, [5_000, 15_000])
      assert.strictEqual(yield* again.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a name is free again once its repeater completed or failed", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const completed = yield* Repeater.fork(
        recordingTask(starts),
        { name: "reused", every: "10 seconds", maxRepetitions: 1 }
      )
      yield* TestClock.adjust("0 millis")
      assert.strictEqual((yield* completed.status).state, "completed")

      const failed = yield* Repeater.fork(
        Effect.andThen(recordingTask(starts), Effect.fail(new TaskError({ message: "nope" }))),
        { name: "reused", every: "10 seconds", onError: "stop" }
      )
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* failed.status).state, "failed")

      const third = yield* Repeater.fork(recordingTask(starts), { name: "reused", every: "10 seconds" })
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(starts, [0, 0, 1_000, 11_000])
      assert.strictEqual((yield* Repeater.get("reused")).name, "reused")
      assert.strictEqual(yield* third.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("validation: names", () => {
  it.effect("an empty name is rejected", () => rejects({ name: "", every: "1 second" }, "name", "", ["\"\""]))

  // every name accepted can be carried by a URL path segment (the HTTP admin API's /repeaters/:name)
  it.effect.each([
    ["longer than 100 characters", "x".repeat(101), "at most 100 characters"],
    ["of a million characters", "n".repeat(1_000_000), "this one has 1000000"],
    ["\".\"", ".", "resolve away"],
    ["\"..\"", "..", "resolve away"],
    ["with a line break", "nightly\nreport", "control characters"],
    ["with a NUL", "a\u0000", "control characters"],
    ["with DEL", "a\u007f", "control characters"],
    ["with a C1 control", "a\u0085b", "control characters"],
    ["with a lone surrogate", "a\ud800", "lone surrogate"],
    ["with a dotted capital I", "İstanbul", "U+0130"]
  ])("a name %s is rejected", ([, name, reason]) =>
    Effect.gen(function*() {
      yield* rejects({ name, every: "1 second" }, "name", name, [reason!])
      const validated = yield* Effect.flip(Repeater.validate({ name, every: "1 second" }))
      assert.strictEqual(validated.field, "name")
      assert.strictEqual(validated.value, name)
    }))

  it.effect("names of up to 100 characters with any printable character are accepted", () =>
    Effect.gen(function*() {
      const names = [
        "x".repeat(100),
        "😀".repeat(50),
        "a b",
        " padded ",
        "a/b",
        "/",
        "%",
        "%41",
        "a?b",
        "a#b",
        "a;b",
        "a+b&c=d",
        "a\\b",
        "...",
        ".hidden",
        "ß",
        "Ω",
        "i\u0307",
        "events",
        "EVENTS"
      ]
      for (const name of names) {
        const handle = yield* Repeater.fork(Effect.void, { name, every: "1 hour", waitFirst: true })
        assert.strictEqual(handle.name, name)
      }
      assert.strictEqual((yield* Repeater.list).length, names.length)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a taken name is rejected, and the repeater that holds it runs on", () =>
    Effect.gen(function*() {
      const first: Array<number> = []
      let second = 0
      yield* Repeater.fork(
        Effect.clockWith((clock) => Effect.sync(() => first.push(clock.currentTimeMillisUnsafe()))),
        { name: "taken", every: "10 seconds" }
      )
      yield* TestClock.adjust("0 millis")
      const error = yield* Effect.flip(
        Repeater.fork(Effect.sync(() => second++), { name: "taken", every: "1 second" })
      )
      assert.instanceOf(error, RepeaterConfigError)
      assert.strictEqual(error.field, "name")
      assert.strictEqual(error.value, "taken")
      assert.include(error.message, "name")
      assert.include(error.message, "\"taken\"")
      yield* TestClock.adjust("25 seconds")
      assert.strictEqual(second, 0)
      assert.deepStrictEqual(first, [0, 10_000, 20_000])
      const list = yield* Repeater.list
      assert.deepStrictEqual(list.map((status) => status.name), ["taken"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a name is free again once its repeater has ended", () =>
    Effect.gen(function*() {
      const handle = yield* Repeater.fork(Effect.void, { name: "reused", every: "10 seconds" })
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* handle.stop(), "idle")
      let runs = 0
      const again = yield* Repeater.fork(Effect.sync(() => runs++), { name: "reused", every: "10 seconds" })
      yield* TestClock.adjust("15 seconds")
      assert.strictEqual(runs, 2)
      assert.strictEqual((yield* again.status).runs, 2)
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["reused"])
    }).pipe(Effect.provide(Repeater.layer)))
})
