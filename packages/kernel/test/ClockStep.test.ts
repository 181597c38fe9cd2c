import * as ClockStep from "@effect-repeater/kernel/ClockStep"
import { describe, expect, it } from "vitest"

describe("ClockStep", () => {
  it("follows the wall clock while it runs with the monotonic clock", () => {
    const clock = ClockStep.make()
    expect(clock.read(1_000, 0)).toBe(1_000)
    expect(clock.read(6_000, 5_000)).toBe(6_000)
    expect(clock.stepBack).toBe(0)
    expect(clock.toWall(6_000)).toBe(6_000)
  })

  it("a step back is absorbed: the time goes on by the monotonic time elapsed", () => {
    const clock = ClockStep.make()
    clock.read(10_000, 0)
    // an hour back, 2 s after the last reading
    expect(clock.read(10_000 - 3_600_000 + 2_000, 2_000)).toBe(12_000)
    expect(clock.lastStep).toBe(3_600_000)
    expect(clock.stepBack).toBe(3_600_000)
    expect(clock.toWall(12_000)).toBe(12_000 - 3_600_000)
    // later readings keep the offset; no new step
    expect(clock.read(10_000 - 3_600_000 + 3_000, 3_000)).toBe(13_000)
    expect(clock.lastStep).toBe(0)
  })

  it("a wall clock that stands still while the monotonic one runs (fake timers) is not a step, up to the tolerance", () => {
    const clock = ClockStep.make()
    clock.read(0, 0)
    expect(clock.read(0, ClockStep.STEP_TOLERANCE_MILLIS)).toBe(0)
    expect(clock.lastStep).toBe(0)
    // beyond the tolerance, it is
    expect(clock.read(0, 3 * ClockStep.STEP_TOLERANCE_MILLIS)).toBe(2 * ClockStep.STEP_TOLERANCE_MILLIS)
    expect(clock.lastStep).toBe(2 * ClockStep.STEP_TOLERANCE_MILLIS)
  })

  it("any step back below the latest reading is absorbed, however small; a step forward is not", () => {
    const clock = ClockStep.make()
    clock.read(5_000, 0)
    expect(clock.read(4_990, 0)).toBe(5_000)
    expect(clock.stepBack).toBe(10)
    expect(clock.read(65_000, 0)).toBe(65_010)
    expect(clock.lastStep).toBe(0)
  })

  it("monotonic time is counted in whole microseconds", () => {
    const clock = ClockStep.make()
    clock.read(1_000, 0.0004)
    expect(clock.read(0, 0.0012)).toBe(1_000.001)
  })
})
