import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { mark } from "./support/time.js"

describe("runs: the runs due in one timer turn", () => {
  it.effect("repeaters due at the same instant run in the order they were scheduled, each at its exact time", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      for (const name of ["a", "b", "c"]) {
        yield* Repeater.fork(mark(log, name), { name, every: "1 second", waitFirst: true })
      }
      yield* Repeater.fork(mark(log, "d"), { name: "d", every: "2 seconds", waitFirst: true })
      yield* TestClock.adjust("4 seconds")
      assert.deepStrictEqual(log, [
        "a@1000",
        "b@1000",
        "c@1000",
        // d was scheduled for 2 s at 0 s, before a, b and c (at 1 s): it goes first
        "d@2000",
        "a@2000",
        "b@2000",
        "c@2000",
        "a@3000",
        "b@3000",
        "c@3000",
        "d@4000",
        "a@4000",
        "b@4000",
        "c@4000"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that ends at once is in flight while it runs: its own status says running, its runNow is coalesced", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      let run = 0
      const task = Effect.gen(function*() {
        const index = ++run
        const self = yield* Repeater.get("self")
        const status = yield* self.status
        yield* mark(log, `run ${index} ${status.state} inFlight=${status.inFlight}`)
        if (index === 1) yield* self.runNow
      })
      yield* Repeater.fork(task, { name: "self", every: "10 seconds", waitFirst: true })
      yield* TestClock.adjust("15 seconds")
      // the runNow asked for during run 1 is one run right after it, never a second run at the same time
      assert.deepStrictEqual(log, [
        "run 1 running inFlight=true@10000",
        "run 2 running inFlight=true@10000"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a run that stops its own repeater synchronously is its last run", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.gen(function*() {
        const self = yield* Repeater.get("self")
        yield* mark(log, `stop ${yield* self.stop()}`)
      })
      const handle = yield* Repeater.fork(task, { name: "self", every: "1 second", waitFirst: true })
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(log, ["stop finished@1000"])
      assert.strictEqual((yield* handle.status).state, "stopped")
      assert.strictEqual((yield* handle.status).runs, 1)
    }).pipe(Effect.provide(Repeater.layer)))
})
