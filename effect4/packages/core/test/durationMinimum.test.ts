import { OptionCheck, Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Result } from "effect"
import * as fc from "fast-check"

/** The same number of nanoseconds written every way a `Duration.Input` can be. */
const representations = (nanos: number): ReadonlyArray<Duration.Input> => [
  `${nanos} nanos`,
  nanos / 1e6,
  Duration.nanos(BigInt(nanos)),
  BigInt(nanos),
  [Math.floor(nanos / 1e9), nanos % 1e9],
  { nanoseconds: nanos }
]

describe("the minimum of durations", () => {
  it("below 1 millisecond every representation is refused, from 1 millisecond every one is accepted", () =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000_000 }), (nanos) => {
        for (const input of representations(nanos)) {
          const decoded = OptionCheck.decodeDuration(input)
          assert.strictEqual(Result.isSuccess(decoded), nanos >= 1_000_000, `${String(input)} (${nanos} ns)`)
          if (Result.isFailure(decoded)) assert.strictEqual(decoded.failure._tag, "TooShort")
        }
      })
    ))

  it("zero, where it is allowed, is accepted however it is written; anything between 0 and 1 ms is not", () =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), (nanos) => {
        for (const input of representations(0)) {
          assert.isTrue(Result.isSuccess(OptionCheck.decodeDuration(input, { zero: true })), String(input))
        }
        for (const input of representations(nanos)) {
          assert.isTrue(Result.isFailure(OptionCheck.decodeDuration(input, { zero: true })), String(input))
        }
      })
    ))

  it("any positive number of milliseconds below 1, even one too small for a nanosecond, is too short", () =>
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: 0.999_999, noNaN: true }), (millis) => {
        const decoded = OptionCheck.decodeDuration(millis)
        assert.isTrue(Result.isFailure(decoded) && decoded.failure._tag === "TooShort", String(millis))
      })
    ))

  const tooShort: ReadonlyArray<Duration.Input> = [
    "1 nanos",
    1e-9,
    Duration.nanos(1n),
    1n,
    [0, 1],
    "999 micros",
    0.5
  ]
  for (const every of tooShort) {
    it.effect(`every: ${String(every)} fails with a RepeaterConfigError naming every`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Repeater.validate({ name: "fast", every }))
        assert.strictEqual(error.field, "every")
        assert.deepStrictEqual(error.value, every)
        assert.include(error.reason, "at least 1 millisecond")
      }))
  }

  for (const field of ["timeout", "jitter", "grace", "initialDelay"] as const) {
    it.effect(`${field}: "1 nanos" and 1e-6 fail alike`, () =>
      Effect.gen(function*() {
        for (const value of ["1 nanos", 1e-6]) {
          const error = yield* Effect.flip(Repeater.validate({ name: "a", every: "1 second", [field]: value }))
          assert.strictEqual(error.field, field)
          assert.include(error.reason, "is too short")
        }
      }))
  }

  it.effect("defaultGrace follows the same minimum", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.scoped(Repeater.make({ defaultGrace: "10 micros" })))
      assert.strictEqual(error.field, "defaultGrace")
      assert.include(error.reason, "is too short")
    }))
})
