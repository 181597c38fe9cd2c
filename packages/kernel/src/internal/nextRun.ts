import type { NextRun } from "../NextRun.js"
import type { At, Cell, Trigger } from "../Trigger.js"

export const make = (): NextRun => ({ due: 0, nextScheduledAt: NaN, nextBasis: NaN, nextJitter: 0 })

export const drawsJitter = (plan: At, jitterMillis: number): boolean => plan.jitter === "draw" && jitterMillis > 0

export const place = (next: NextRun, plan: At, drawn: number): void => {
  const { basis, scheduledAt } = plan
  // (a catch-up run is late, not jittered)
  const jitter = plan.jitter === "late" ? 0 : plan.jitter === "keep" ? next.nextJitter : Math.floor(drawn)
  next.nextScheduledAt = scheduledAt
  next.due = plan.jitter === "late" ? basis : scheduledAt + jitter
  next.nextBasis = basis
  next.nextJitter = jitter
}

export const clear = (next: NextRun): void => {
  next.nextScheduledAt = NaN
}

export const isPlanned = (next: NextRun): boolean => !Number.isNaN(next.nextScheduledAt)

export const resumed = <F>(next: NextRun, trigger: Trigger<F>, cell: Cell, now: number, wallNow: number) =>
  trigger.onResume(cell, now, wallNow, next.due, next.nextScheduledAt, next.nextBasis)

export const shiftBy = (next: NextRun, step: number): number => {
  next.nextScheduledAt += step
  next.nextBasis += step
  return next.due + step
}
