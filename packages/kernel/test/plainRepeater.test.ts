/**
 * The kernel alone drives a repeater whose runs are plain callbacks: the
 * dispatcher on a fake time source, a trigger, the lifecycle and the status,
 * put together as a binding does (see `support/plainRepeater.ts`).
 */
import * as Dispatcher from "@effect-repeater/kernel/Dispatcher"
import * as Lifecycle from "@effect-repeater/kernel/Lifecycle"
import * as Trigger from "@effect-repeater/kernel/Trigger"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fakeTime } from "./support/fakeTime.js"
import { periodicRule } from "./support/periodicRule.js"
import { PlainRepeater } from "./support/plainRepeater.js"

const setup = (trigger: Trigger.Trigger<never>, options: { readonly runFor?: number; readonly max?: number } = {}) => {
  const time = fakeTime()
  const runFor = options.runFor ?? 0
  const dispatcher = Dispatcher.make<PlainRepeater>(time.source, (repeater) => {
    repeater.fire()
    // a run that ends at once ends in the timer's turn; a longer one when its time has come
    if (repeater.inFlight && runFor === 0) repeater.endRun()
    else if (repeater.inFlight) time.source.setTimer(runFor, () => repeater.endRun())
  })
  const repeater = new PlainRepeater(dispatcher, trigger, options.max)
  return { time, dispatcher, repeater }
}

describe("the kernel alone: a repeater of plain callbacks", () => {
  it("every 1 s in delay mode: runs at 0, 1 000, 2 000…; stopped, it holds no timer", () => {
    const { repeater, time } = setup(Trigger.everyDelay(1_000))
    repeater.start(0)
    time.advance(3_500)
    expect(repeater.log).toEqual(["0@0", "1000@1000", "2000@2000", "3000@3000"])
    expect(repeater.counters.runs).toBe(4)
    expect(repeater.state).toBe("scheduled")
    repeater.stop()
    expect(repeater.state).toBe("stopped")
    expect(time.pending()).toBe(0)
  })

  it("rate mode with runs of 2.5 s every 1 s: one late run per overrun, the others skipped and counted", () => {
    const { repeater, time } = setup(Trigger.everyRate(1_000), { runFor: 2_500 })
    repeater.start(0)
    time.advance(7_600)
    // tick 0 runs 0 - 2 500: tick 1 skipped, tick 2 runs late at 2 500 until 5 000: ticks 3, 4 skipped, tick 5 runs
    // at 5 000 until 7 500: tick 6 skipped, tick 7 runs late at 7 500
    expect(repeater.log).toEqual(["0@0", "2000@2500", "5000@5000", "7000@7500"])
    expect(repeater.counters.skippedTicks).toBe(4)
    expect(repeater.state).toBe("running")
  })

  it("paused for 5.5 s, resumed: no burst, the next tick of the grid; a runNow while paused runs once", () => {
    const { repeater, time } = setup(Trigger.everyRate(1_000))
    repeater.start(0)
    time.advance(1_200) // runs at 0, 1 000
    repeater.pause()
    expect(repeater.state).toBe("paused")
    time.advance(2_000)
    repeater.runNow() // at 3 200, while paused
    repeater.endRun()
    time.advance(3_500)
    repeater.resume() // at 6 700
    time.advance(1_400)
    expect(repeater.log).toEqual(["0@0", "1000@1000", "3200@3200", "7000@7000", "8000@8000"])
    expect(repeater.counters.skippedTicks).toBe(0)
  })

  it("runNow during a run coalesces into one run right after it", () => {
    const { repeater, time } = setup(Trigger.everyDelay(10_000), { runFor: 1_000 })
    repeater.start(0)
    time.advance(500)
    repeater.runNow()
    repeater.runNow()
    time.advance(500) // the first run ends at 1 000: the runNow run starts then
    expect(repeater.log).toEqual(["0@0", "1000@1000"])
    repeater.endRun()
    time.advance(10_000)
    expect(repeater.log).toEqual(["0@0", "1000@1000", "11000@11000"])
  })

  it("maxRepetitions: completes after its runs, with no timer left", () => {
    const { repeater, time } = setup(Trigger.everyDelay(100), { max: 3 })
    repeater.start(50)
    time.advance(1_000)
    expect(repeater.log).toEqual(["50@50", "150@150", "250@250"])
    expect(repeater.state).toBe("completed")
    expect(time.pending()).toBe(0)
  })

  it("cron: a step back of the wall clock moves the queued match; the consumed match is not run again", () => {
    const hour = 3_600_000
    const { repeater, time } = setup(Trigger.cron(...periodicRule(hour)))
    repeater.start(0)
    time.advance(hour + 60_000) // the 01:00 match ran at 1 h
    time.step(-30 * 60_000) // the wall clock reads 00:31
    time.advance(2 * hour)
    // the next match, 02:00 on the wall clock, falls due when the wall clock reads 02:00: 2.5 h of monotonic time
    expect(repeater.log).toEqual([`${hour}@${hour}`, `${2.5 * hour}@${2.5 * hour}`])
    expect(repeater.counters.skippedTicks).toBe(0)
  })
})

describe("the kernel alone: random operations on a repeater of plain callbacks", () => {
  const operation = fc.oneof(
    fc.record({ kind: fc.constant("advance" as const), millis: fc.nat(3_000) }),
    fc.record({ kind: fc.constantFrom("pause" as const, "resume" as const, "runNow" as const, "endRun" as const) }),
    fc.record({ kind: fc.constant("stop" as const) })
  )
  const triggers = [
    () => Trigger.everyDelay(700),
    () => Trigger.everyRate(700),
    () => Trigger.cron(...periodicRule(1_000))
  ]

  it("property: one run at a time, none while paused or stopped, none before its tick, no timer left once stopped", () => {
    fc.assert(fc.property(fc.nat(2), fc.array(operation, { maxLength: 80 }), (which, operations) => {
      const time = fakeTime()
      const errors: Array<string> = []
      const dispatcher = Dispatcher.make<PlainRepeater>(time.source, (repeater) => {
        const wasInFlight = repeater.inFlight
        const before = repeater.log.length
        repeater.fire()
        if (repeater.log.length > before) {
          if (wasInFlight) errors.push(`a run started during a run at ${time.monotonic()}`)
          if (repeater.phase._tag !== "Active") errors.push(`a run started while ${repeater.phase._tag}`)
          const [scheduledAt, start] = repeater.log[repeater.log.length - 1].split("@").map(Number)
          if (start < scheduledAt) errors.push(`run of ${scheduledAt} started early, at ${start}`)
        }
      })
      const repeater = new PlainRepeater(dispatcher, triggers[which]())
      repeater.start(0)
      for (const o of operations) {
        switch (o.kind) {
          case "advance":
            time.advance(o.millis)
            break
          case "endRun":
            if (repeater.inFlight) repeater.endRun()
            break
          case "pause":
            repeater.pause()
            break
          case "resume":
            repeater.resume()
            break
          case "runNow": {
            const before = repeater.log.length
            repeater.runNow()
            if (repeater.log.length > before && Lifecycle.isEnded(repeater.phase)) errors.push("runNow ran once ended")
            break
          }
          case "stop":
            repeater.stop()
            break
        }
        if (Lifecycle.isEnded(repeater.phase) && dispatcher.isScheduled(repeater)) errors.push("queued once ended")
        if (repeater.phase._tag === "Paused" && dispatcher.isScheduled(repeater)) errors.push("queued while paused")
        if (repeater.inFlight && dispatcher.isScheduled(repeater)) errors.push("queued during a run")
      }
      repeater.stop()
      if (repeater.inFlight) repeater.endRun()
      expect(Lifecycle.isEnded(repeater.phase)).toBe(true)
      time.advance(10_000)
      expect(time.pending()).toBe(0)
      expect(repeater.inFlight).toBe(false)
      expect(errors).toEqual([])
    }))
  })
})
