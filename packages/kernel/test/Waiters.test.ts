import * as Lifecycle from "@effect-repeater/kernel/Lifecycle"
import * as Waiters from "@effect-repeater/kernel/Waiters"
import { describe, expect, it } from "vitest"

type Log = Array<string>

const waiters = () => Waiters.make<string, string, string>()
const wakers = (log: Log) => ({
  wakeJoin: (join: string, failure: string | undefined) => log.push(`${join} <- ${failure ?? "success"}`),
  wakeStop: (stop: string, result: Waiters.StopResult) => log.push(`${stop} <- ${result}`)
})

describe("Waiters: a stop asked for from outside the run", () => {
  it("begins a stop when none is under way (no waiters made yet, or only a join)", () => {
    expect(Waiters.stopRequested(undefined, true)).toEqual({ _tag: "Begin" })
    const w = waiters()
    w.join = "join"
    expect(Waiters.stopRequested(w, false)).toEqual({ _tag: "Begin" })
  })

  it("returns a result already decided", () => {
    const w = waiters()
    w.stop = "stop"
    w.stopResult = "interrupted"
    expect(Waiters.stopRequested(w, true)).toEqual({ _tag: "Settled", result: "interrupted" })
  })

  it("waits for the stop under way", () => {
    const w = waiters()
    w.stop = "stop"
    expect(Waiters.stopRequested(w, true)).toEqual({ _tag: "Await", stop: "stop", giveGrace: false })
  })

  it("gives the run its grace once when the stop under way is the run's own, unbounded", () => {
    const w = waiters()
    w.stop = "own stop"
    w.unboundedStop = true
    expect(Waiters.stopRequested(w, false)).toEqual({ _tag: "Await", stop: "own stop", giveGrace: false })
    expect(w.unboundedStop).toBe(true)
    expect(Waiters.stopRequested(w, true)).toEqual({ _tag: "Await", stop: "own stop", giveGrace: true })
    expect(w.unboundedStop).toBe(false)
    expect(Waiters.stopRequested(w, true)).toEqual({ _tag: "Await", stop: "own stop", giveGrace: false })
  })
})

describe("Waiters: a stop asked for by the run in flight", () => {
  it("begins a stop unless one is under way or the repeater ended", () => {
    expect(Waiters.ownRunBeginsStop(undefined, Lifecycle.Active)).toBe(true)
    expect(Waiters.ownRunBeginsStop(waiters(), Lifecycle.Paused)).toBe(true)
    const w = waiters()
    w.stop = "stop"
    expect(Waiters.ownRunBeginsStop(w, Lifecycle.Stopping)).toBe(false)
    expect(Waiters.ownRunBeginsStop(undefined, Lifecycle.end(Lifecycle.Active, "completed"))).toBe(false)
  })
})

describe("Waiters: the stop's result", () => {
  it("is decided by the first stop procedure to finish; an idle stop's is only the default", () => {
    expect(Waiters.decidesResult(undefined, "finished")).toBe(true)
    expect(Waiters.decidesResult(undefined, "interrupted")).toBe(true)
    expect(Waiters.decidesResult(undefined, "idle")).toBe(false)
    expect(Waiters.decidesResult(undefined, undefined)).toBe(false)
    const w = waiters()
    w.stopResult = "finished"
    expect(Waiters.decidesResult(w, "interrupted")).toBe(false)
  })

  it("wakes a stop under way with the decided result when a later procedure finishes", () => {
    const log: Log = []
    const { wakeStop } = wakers(log)
    Waiters.wakeDecidedStop(undefined, wakeStop)
    const w = waiters()
    w.stop = "stop"
    Waiters.wakeDecidedStop(w, wakeStop)
    expect(log).toEqual([])
    w.stopResult = "interrupted"
    Waiters.wakeDecidedStop(w, wakeStop)
    expect(log).toEqual(["stop <- interrupted"])
  })
})

describe("Waiters: the end of a repeater", () => {
  it("wakes join with its failure (success when none) and a stop under way with the stop's result", () => {
    const log: Log = []
    const { wakeJoin, wakeStop } = wakers(log)
    Waiters.wakeOnEnd(undefined, "finished", wakeJoin, wakeStop)
    const w = waiters()
    w.join = "join"
    w.stop = "stop"
    Waiters.wakeOnEnd(w, "finished", wakeJoin, wakeStop)
    expect(log).toEqual(["join <- success", "stop <- finished"])
  })

  it("a repeater that ended on its own wakes join only; a failure is given to join", () => {
    const log: Log = []
    const { wakeJoin, wakeStop } = wakers(log)
    const w = waiters()
    w.join = "join"
    w.stop = "stop"
    w.failure = "boom"
    Waiters.wakeOnEnd(w, undefined, wakeJoin, wakeStop)
    expect(log).toEqual(["join <- boom"])
  })
})
