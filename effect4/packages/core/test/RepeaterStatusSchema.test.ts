import { Repeater, RepeaterHandle } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Option, Schedule, Schema } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import * as Arbitraries from "./support/arbitraries.js"

const encode = Schema.encodeSync(RepeaterHandle.RepeaterStatusSchema)
const decode = Schema.decodeUnknownSync(RepeaterHandle.RepeaterStatusSchema)
const equivalent = Schema.toEquivalence(RepeaterHandle.RepeaterStatusSchema)
const throughJson = (status: RepeaterHandle.RepeaterStatus): unknown => JSON.parse(JSON.stringify(encode(status)))

describe("RepeaterHandle.RepeaterStatusSchema", () => {
  it("a status's JSON: ISO times, lastDurationMillis, null for none", () => {
    assert.deepStrictEqual(
      encode({
        name: "nightly",
        state: "scheduled",
        inFlight: false,
        runs: 3,
        failures: 1,
        skippedTicks: 0,
        lastStart: Option.some(DateTime.makeUnsafe("2026-01-01T00:00:00Z")),
        lastEnd: Option.none(),
        lastDuration: Option.some(Duration.millis(250)),
        lastFailure: Option.some("Error: boom"),
        nextRun: Option.none()
      }),
      {
        name: "nightly",
        state: "scheduled",
        inFlight: false,
        runs: 3,
        failures: 1,
        skippedTicks: 0,
        lastStart: "2026-01-01T00:00:00.000Z",
        lastEnd: null,
        lastDurationMillis: 250,
        lastFailure: "Error: boom",
        nextRun: null
      }
    )
  })

  it("property: every status comes back from JSON equal to itself (infinite durations and extreme dates included)", () =>
    fc.assert(fc.property(Arbitraries.status, (status) => {
      const decoded = decode(throughJson(status))
      assert.isTrue(equivalent(decoded, status), JSON.stringify(encode(status)))
    })))

  it.effect("the status of a repeater whose next run can never come encodes, with nextRun null", () =>
    Effect.gen(function*() {
      const never = yield* Repeater.fork(Effect.void, { name: "never", schedule: Schedule.spaced(Duration.infinity) })
      const normal = yield* Repeater.fork(Effect.void, { name: "normal", every: "1 second" })
      yield* TestClock.adjust("1 second")
      const json = encode(yield* never.status)
      assert.strictEqual(json.state, "completed")
      assert.isNull(json.nextRun)
      assert.strictEqual(json.runs, 1)
      assert.isString(encode(yield* normal.status).nextRun)
    }).pipe(Effect.provide(Repeater.layer)))

  it("RepeaterStateSchema accepts the seven states only", () => {
    const is = Schema.is(RepeaterHandle.RepeaterStateSchema)
    assert.isTrue(["scheduled", "running", "paused", "stopping", "stopped", "completed", "failed"].every(is))
    assert.isFalse(is("idle"))
  })
})
