import * as Lifecycle from "@effect-repeater/kernel/Lifecycle"
import { describe, expect, it } from "vitest"

const { Active, Draining, Paused, Stopping } = Lifecycle
const Stopped = Lifecycle.end(Active, "stopped")
const Completed = Lifecycle.end(Active, "completed")
const Failed = Lifecycle.end(Active, "failed")
const coalesced = (phase: Lifecycle.Phase) => Lifecycle.runNow(phase, true).phase!
const ActiveRunNow = coalesced(Active)
const PausedRunNow = coalesced(Paused)
const all = [Active, ActiveRunNow, Paused, PausedRunNow, Draining, Stopping, Stopped, Completed, Failed]

describe("Lifecycle: the reported state", () => {
  it("is derived from the phase and whether a run is in flight", () => {
    const states = all.map((phase) => [Lifecycle.state(phase, false), Lifecycle.state(phase, true)])
    expect(states).toEqual([
      ["scheduled", "running"],
      ["scheduled", "running"],
      ["paused", "paused"],
      ["paused", "paused"],
      ["stopping", "stopping"],
      ["stopping", "stopping"],
      ["stopped", "stopped"],
      ["completed", "completed"],
      ["failed", "failed"]
    ])
  })

  it("only Active and Paused are live; a planned run waits in the dispatcher only when Active and idle", () => {
    expect(all.map(Lifecycle.isLive)).toEqual([true, true, true, true, false, false, false, false, false])
    expect(all.map((phase) => Lifecycle.isQueued(phase, false))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false
    ])
    expect(Lifecycle.isQueued(Active, true)).toBe(false)
    expect(all.map(Lifecycle.isEnded)).toEqual([false, false, false, false, false, false, true, true, true])
  })
})

describe("Lifecycle: transitions", () => {
  it("due: a run starts only when Active with no run in flight", () => {
    expect(all.map((phase) => Lifecycle.due(phase, false))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false
    ])
    expect(Lifecycle.due(Active, true)).toBe(false)
  })

  it("runNow: starts when idle (paused too), coalesces during a run (keeping the pause), ignored when stopping or ended", () => {
    expect(Lifecycle.runNow(Active, false)).toEqual({ phase: undefined, action: "start" })
    expect(Lifecycle.runNow(Paused, false)).toEqual({ phase: undefined, action: "start" })
    expect(Lifecycle.runNow(Active, true).action).toBe("coalesce")
    expect(Lifecycle.runNowPending(ActiveRunNow)).toBe(true)
    expect(ActiveRunNow._tag).toBe("Active")
    expect(Lifecycle.runNowPending(PausedRunNow)).toBe(true)
    expect(PausedRunNow._tag).toBe("Paused")
    expect(Lifecycle.runNow(ActiveRunNow, true).phase).toBe(ActiveRunNow) // however many: one
    for (const phase of [Draining, Stopping, Stopped, Completed, Failed]) {
      expect(Lifecycle.runNow(phase, false).action).toBe("ignore")
      expect(Lifecycle.runNow(phase, true).action).toBe("ignore")
    }
    expect(Lifecycle.runNowPending(Active)).toBe(false)
    expect(Lifecycle.runNowPending(Stopping)).toBe(false)
  })

  it("pause and resume move between Active and Paused, keeping a pending runNow; other phases are kept", () => {
    expect(Lifecycle.pause(Active)).toBe(Paused)
    expect(Lifecycle.pause(ActiveRunNow)).toBe(PausedRunNow)
    expect(Lifecycle.resume(Paused)).toBe(Active)
    expect(Lifecycle.resume(PausedRunNow)).toBe(ActiveRunNow)
    expect(Lifecycle.pause(Paused)).toBe(Paused)
    expect(Lifecycle.resume(Active)).toBe(Active)
    for (const phase of [Draining, Stopping, Stopped, Completed, Failed]) {
      expect(Lifecycle.pause(phase)).toBe(phase)
      expect(Lifecycle.resume(phase)).toBe(phase)
    }
  })

  it("stop: Stopping from any phase but Ended (a pending runNow is dropped)", () => {
    for (const phase of [Active, ActiveRunNow, Paused, PausedRunNow, Draining, Stopping]) {
      expect(Lifecycle.stop(phase)).toBe(Stopping)
    }
    for (const phase of [Stopped, Completed, Failed]) expect(Lifecycle.stop(phase)).toBe(phase)
  })

  it("close (its Scope closes during a run): Draining from a live phase, other phases kept", () => {
    for (const phase of [Active, ActiveRunNow, Paused, PausedRunNow]) expect(Lifecycle.close(phase)).toBe(Draining)
    for (const phase of [Draining, Stopping, Stopped, Completed, Failed]) expect(Lifecycle.close(phase)).toBe(phase)
  })

  it("stopIdle: stops an idle repeater, waits for one in flight or with a stop under way", () => {
    expect(Lifecycle.stopIdle(Active, false)).toBe("stop")
    expect(Lifecycle.stopIdle(PausedRunNow, false)).toBe("stop")
    expect(Lifecycle.stopIdle(Draining, false)).toBe("stop")
    expect(Lifecycle.stopIdle(Active, true)).toBe("busy")
    expect(Lifecycle.stopIdle(Draining, true)).toBe("busy")
    expect(Lifecycle.stopIdle(Stopping, false)).toBe("busy")
    expect(Lifecycle.stopIdle(Completed, false)).toBe("ended")
  })

  it("end: once; the first way of ending is kept", () => {
    for (const phase of [Active, ActiveRunNow, Paused, PausedRunNow, Draining, Stopping]) {
      expect(Lifecycle.end(phase, "completed")).toBe(Completed)
      expect(Lifecycle.end(phase, "failed")).toBe(Failed)
      expect(Lifecycle.end(phase, "stopped")).toBe(Stopped)
    }
    expect(Lifecycle.end(Failed, "stopped")).toBe(Failed)
    expect(Lifecycle.end(Stopped, "completed")).toBe(Stopped)
  })

  it("runEnded: fail, complete, run again, plan, or nothing", () => {
    const action = (phase: Lifecycle.Phase, outcome: Lifecycle.Outcome, stopOnFailure = false, exhausted = false) =>
      Lifecycle.runEnded(phase, outcome, stopOnFailure, exhausted).action
    expect(action(Active, "success")).toBe("plan")
    expect(action(Paused, "failure")).toBe("plan")
    expect(action(Active, "interrupted")).toBe("plan")
    // a failure with onError "stop" fails it, even while its Scope closes, not once a stop is under way
    expect(action(Active, "failure", true)).toBe("fail")
    expect(action(Draining, "failure", true)).toBe("fail")
    expect(action(Stopping, "failure", true)).toBe("none")
    expect(action(Active, "success", true)).toBe("plan")
    // no repetition left
    expect(action(Active, "success", false, true)).toBe("complete")
    expect(action(ActiveRunNow, "success", false, true)).toBe("complete")
    // a coalesced runNow runs now, and is no longer pending
    expect(Lifecycle.runEnded(ActiveRunNow, "success", false, false)).toEqual({ phase: Active, action: "runNow" })
    expect(Lifecycle.runEnded(PausedRunNow, "failure", false, false)).toEqual({ phase: Paused, action: "runNow" })
    for (const phase of [Draining, Stopping, Stopped, Completed, Failed]) {
      expect(action(phase, "success")).toBe("none")
      expect(action(phase, "success", false, true)).toBe("none")
    }
  })

  it("a schedule that is done completes the repeater, a failed step fails it, unless a run is in flight", () => {
    expect(Lifecycle.scheduleDone(Active, false)).toBe(true)
    expect(Lifecycle.scheduleDone(Paused, false)).toBe(true)
    expect(Lifecycle.scheduleDone(Draining, false)).toBe(true)
    expect(Lifecycle.scheduleDone(Active, true)).toBe(false)
    expect(Lifecycle.scheduleDone(Stopping, false)).toBe(false)
    expect(Lifecycle.scheduleDone(Failed, false)).toBe(false)
    expect(Lifecycle.scheduleFailed(Active, false)).toBe(true)
    expect(Lifecycle.scheduleFailed(Stopping, false)).toBe(true)
    expect(Lifecycle.scheduleFailed(Active, true)).toBe(false)
    expect(Lifecycle.scheduleFailed(Completed, false)).toBe(false)
  })
})
