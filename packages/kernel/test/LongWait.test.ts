import * as LongWait from "@effect-repeater/kernel/LongWait"
import { describe, expect, it } from "vitest"
import { fakeTime } from "./support/fakeTime.js"

const day = 86_400_000

describe("LongWait", () => {
  it("one timer is at most 2^30 ms, well below 2^31 - 1 ms", () => {
    expect(LongWait.MAX_TIMER_MILLIS).toBe(2 ** 30)
    expect(LongWait.chunk(5)).toBe(5)
    expect(LongWait.chunk(-3)).toBe(0)
    expect(LongWait.chunk(30 * day)).toBe(2 ** 30)
  })

  it("a wait of 25 days (more than 2^31 - 1 ms) ends exactly at 25 days, made of timers of at most 2^30 ms", () => {
    const time = fakeTime()
    const fired: Array<number> = []
    LongWait.setTimer(time.source.setTimer, 25 * day, () => fired.push(time.monotonic()))
    time.advance(25 * day - 1)
    expect(fired).toEqual([])
    time.advance(1)
    expect(fired).toEqual([25 * day])
    expect(time.waits.every((wait) => wait <= 2 ** 30)).toBe(true)
    expect(time.waits.reduce((a, b) => a + b, 0)).toBe(25 * day)
  })

  it("a short wait is one timer; a cancelled wait never ends, whichever part it is in", () => {
    const time = fakeTime()
    const fired: Array<string> = []
    LongWait.setTimer(time.source.setTimer, 10, () => fired.push("short"))
    const cancel = LongWait.setTimer(time.source.setTimer, 40 * day, () => fired.push("long"))
    time.advance(20 * day)
    cancel()
    cancel()
    time.advance(40 * day)
    expect(fired).toEqual(["short"])
    expect(time.pending()).toBe(0)
  })
})
