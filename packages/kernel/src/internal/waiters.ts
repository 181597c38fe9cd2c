import type { Phase } from "../Lifecycle.js"
import type { StopRequest, StopResult, Waiters } from "../Waiters.js"
import { isEnded } from "./lifecycle.js"

class WaitersImpl<F, J, S> implements Waiters<F, J, S> {
  failure: F | undefined = undefined
  join: J | undefined = undefined
  stop: S | undefined = undefined
  stopResult: StopResult | undefined = undefined
  unboundedStop = false
}

export const make = <F, J, S>(): Waiters<F, J, S> => new WaitersImpl()

const BEGIN = { _tag: "Begin" } as const

export const stopRequested = <F, J, S>(
  waiters: Waiters<F, J, S> | undefined,
  inFlight: boolean
): StopRequest<S> => {
  if (waiters === undefined) return BEGIN
  if (waiters.stopResult !== undefined) return { _tag: "Settled", result: waiters.stopResult }
  if (waiters.stop === undefined) return BEGIN
  const giveGrace = waiters.unboundedStop && inFlight
  if (giveGrace) waiters.unboundedStop = false
  return { _tag: "Await", stop: waiters.stop, giveGrace }
}

export const ownRunBeginsStop = <F, J, S>(waiters: Waiters<F, J, S> | undefined, phase: Phase): boolean =>
  waiters?.stop === undefined && !isEnded(phase)

export const decidesResult = <F, J, S>(
  waiters: Waiters<F, J, S> | undefined,
  result: StopResult | undefined
): result is "finished" | "interrupted" =>
  result !== undefined && result !== "idle" && waiters?.stopResult === undefined

export const wakeDecidedStop = <F, J, S>(
  waiters: Waiters<F, J, S> | undefined,
  wakeStop: (stop: S, result: StopResult) => void
): void => {
  if (waiters?.stopResult !== undefined && waiters.stop !== undefined) wakeStop(waiters.stop, waiters.stopResult)
}

export const wakeOnEnd = <F, J, S>(
  waiters: Waiters<F, J, S> | undefined,
  result: StopResult | undefined,
  wakeJoin: (join: J, failure: F | undefined) => void,
  wakeStop: (stop: S, result: StopResult) => void
): void => {
  if (waiters === undefined) return
  if (waiters.join !== undefined) wakeJoin(waiters.join, waiters.failure)
  if (result !== undefined && waiters.stop !== undefined) wakeStop(waiters.stop, result)
}
