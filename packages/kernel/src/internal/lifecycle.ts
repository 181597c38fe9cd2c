import type { Ending, Outcome, Phase, RunEnded, RunNow, State } from "../Lifecycle.js"

export const Active: Phase = { _tag: "Active", runNowPending: false }
const ActiveRunNow: Phase = { _tag: "Active", runNowPending: true }
export const Paused: Phase = { _tag: "Paused", runNowPending: false }
const PausedRunNow: Phase = { _tag: "Paused", runNowPending: true }
export const Draining: Phase = { _tag: "Draining" }
export const Stopping: Phase = { _tag: "Stopping" }
export const Stopped: Phase = { _tag: "Ended", how: "stopped" }
export const Completed: Phase = { _tag: "Ended", how: "completed" }
export const Failed: Phase = { _tag: "Ended", how: "failed" }

const active = (runNowPending: boolean): Phase => runNowPending ? ActiveRunNow : Active
const paused = (runNowPending: boolean): Phase => runNowPending ? PausedRunNow : Paused

export const state = (phase: Phase, inFlight: boolean): State => {
  switch (phase._tag) {
    case "Ended":
      return phase.how
    case "Stopping":
    case "Draining":
      return "stopping"
    case "Paused":
      return "paused"
    case "Active":
      return inFlight ? "running" : "scheduled"
  }
}

export const isLive = (phase: Phase): boolean => phase._tag === "Active" || phase._tag === "Paused"

export const isQueued = (phase: Phase, inFlight: boolean): boolean => phase._tag === "Active" && !inFlight

export const isEnded = (phase: Phase): boolean => phase._tag === "Ended"

export const runNowPending = (phase: Phase): boolean =>
  (phase._tag === "Active" || phase._tag === "Paused") && phase.runNowPending

export const due = (phase: Phase, inFlight: boolean): boolean => phase._tag === "Active" && !inFlight

export const runNow = (phase: Phase, inFlight: boolean): RunNow => {
  if (phase._tag !== "Active" && phase._tag !== "Paused") return IGNORE
  if (!inFlight) return START
  return phase._tag === "Active" ? COALESCE_ACTIVE : COALESCE_PAUSED
}
const IGNORE: RunNow = { phase: undefined, action: "ignore" }
const START: RunNow = { phase: undefined, action: "start" }
const COALESCE_ACTIVE: RunNow = { phase: ActiveRunNow, action: "coalesce" }
const COALESCE_PAUSED: RunNow = { phase: PausedRunNow, action: "coalesce" }

export const pause = (phase: Phase): Phase => phase._tag === "Active" ? paused(phase.runNowPending) : phase

export const resume = (phase: Phase): Phase => phase._tag === "Paused" ? active(phase.runNowPending) : phase

export const stop = (phase: Phase): Phase => phase._tag === "Ended" ? phase : Stopping

export const close = (phase: Phase): Phase => isLive(phase) ? Draining : phase

export const end = (phase: Phase, how: Ending): Phase =>
  phase._tag === "Ended" ? phase : how === "stopped" ? Stopped : how === "completed" ? Completed : Failed

export const runEnded = (phase: Phase, outcome: Outcome, stopOnFailure: boolean, exhausted: boolean): RunEnded => {
  if (outcome === "failure" && stopOnFailure && phase._tag !== "Stopping" && phase._tag !== "Ended") return FAIL
  if (!isLive(phase)) return NONE
  if (exhausted) return COMPLETE
  if (runNowPending(phase)) return phase._tag === "Active" ? RUN_NOW_ACTIVE : RUN_NOW_PAUSED
  return PLAN
}
const FAIL: RunEnded = { phase: undefined, action: "fail" }
const NONE: RunEnded = { phase: undefined, action: "none" }
const COMPLETE: RunEnded = { phase: undefined, action: "complete" }
const RUN_NOW_ACTIVE: RunEnded = { phase: Active, action: "runNow" }
const RUN_NOW_PAUSED: RunEnded = { phase: Paused, action: "runNow" }
const PLAN: RunEnded = { phase: undefined, action: "plan" }

export const stopIdle = (phase: Phase, inFlight: boolean): "stop" | "ended" | "busy" => {
  if (phase._tag === "Ended") return "ended"
  if (phase._tag === "Stopping" || inFlight) return "busy"
  return "stop"
}

export const scheduleDone = (phase: Phase, inFlight: boolean): boolean =>
  !inFlight && phase._tag !== "Stopping" && phase._tag !== "Ended"

export const scheduleFailed = (phase: Phase, inFlight: boolean): boolean => !inFlight && phase._tag !== "Ended"
