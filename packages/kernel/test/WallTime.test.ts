import * as WallTime from "@effect-repeater/kernel/WallTime"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"

describe("WallTime", () => {
  it("a date holds at most 8.64e15 ms from the epoch either way", () => {
    expect(WallTime.MAX_MILLIS).toBe(8.64e15)
    expect(new Date(WallTime.MAX_MILLIS).toISOString()).toBe("+275760-09-13T00:00:00.000Z")
    expect(WallTime.representable(WallTime.MAX_MILLIS)).toBe(true)
    expect(WallTime.representable(-WallTime.MAX_MILLIS)).toBe(true)
    expect(WallTime.representable(WallTime.MAX_MILLIS + 1)).toBe(false)
    expect(WallTime.representable(Infinity)).toBe(false)
    expect(WallTime.representable(-Infinity)).toBe(false)
    expect(WallTime.representable(NaN)).toBe(false)
  })

  it("a wall time is representable exactly when a Date holds it", () => {
    fc.assert(fc.property(
      fc.oneof(fc.double(), fc.integer({ min: -9e15, max: 9e15 })),
      (millis) => {
        expect(WallTime.representable(millis)).toBe(!Number.isNaN(new Date(millis).getTime()))
      }
    ))
  })
})
