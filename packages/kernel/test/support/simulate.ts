/**
 * Drives one trigger as a binding does, on a plain number for the time (the
 * wall clock and the dispatcher's time are the same: no step), with the
 * lifecycle's pause and resume, and records what it planned and ran.
 */
import type * as Trigger from "@effect-repeater/kernel/Trigger"

export interface Step {
  /** How long the run takes. */
  readonly duration: number
  /** A pause while waiting for this run: it starts `after` ms after the previous run ended, lasts `for` ms. */
  readonly pause?: { readonly after: number; readonly for: number } | undefined
  /** A runNow asked for during this run: it runs (for `runNow` ms) as soon as this run ended. */
  readonly runNow?: number | undefined
  /** The event loop is blocked when this run falls due: it starts `stall` ms late. */
  readonly stall?: number | undefined
  /** The jitter drawn for the next run (a fraction of the maximum). */
  readonly jitter?: number | undefined
}

export interface Run {
  readonly kind: "regular" | "runNow"
  /** The scheduled time of a regular run, before jitter; a runNow run: when it was asked for. */
  readonly scheduledAt: number
  readonly start: number
  readonly end: number
  /** The due time the run waited for (regular runs). */
  readonly due: number
  /** Whether it was a catch-up run (due at once, no jitter). */
  readonly late: boolean
}

export interface Record {
  readonly runs: Array<Run>
  readonly skipped: Array<{ readonly count: number; readonly firstScheduledAt: number; readonly at: number }>
  readonly resumes: Array<{ readonly at: number; readonly due: number; readonly scheduledAt: number }>
  /** Ticks (rate) consumed by runNow runs that followed an overrun. */
  readonly consumedByRunNow: Array<number>
  readonly cell: Trigger.Cell
}

export const simulate = (
  trigger: Trigger.Trigger<never>,
  steps: ReadonlyArray<Step>,
  options: { readonly initialDelay: number; readonly maxJitter: number; readonly start?: number }
): Record => {
  const cell: Trigger.Cell = { anchor: NaN, cursor: 0, scheduleState: undefined }
  const record: Record = { runs: [], skipped: [], resumes: [], consumedByRunNow: [], cell }
  let now = options.start ?? 0
  let jitter = 0
  let scheduledAt = NaN
  let basis = NaN
  let due = NaN
  let late = false
  const take = (plan: Trigger.Plan<never>, drawn: number): void => {
    if (plan._tag !== "At") throw new Error(`unexpected plan ${plan._tag}`)
    if (plan.skipped > 0) {
      record.skipped.push({ count: plan.skipped, firstScheduledAt: plan.firstSkippedAt, at: plan.basis })
    }
    scheduledAt = plan.scheduledAt
    basis = plan.basis
    late = plan.jitter === "late"
    if (plan.jitter === "draw") jitter = Math.floor(drawn * options.maxJitter)
    else if (plan.jitter === "late") jitter = 0
    due = late ? plan.basis : plan.scheduledAt + jitter
  }
  take(trigger.first(cell, now, now, options.initialDelay), 0)
  for (const step of steps) {
    if (step.pause !== undefined) {
      const pausedAt = now + step.pause.after
      if (pausedAt < due) {
        const resumedAt = pausedAt + step.pause.for
        now = resumedAt
        const replanned = trigger.onResume(cell, now, now, due, scheduledAt, basis)
        if (replanned !== undefined) take(replanned, 0)
        record.resumes.push({ at: resumedAt, due, scheduledAt })
      }
    }
    // (a stall: the run starts that much after it fell due)
    now = Math.max(now, due) + (step.stall ?? 0)
    const lateStart = trigger.onDue(cell, now)
    if (lateStart !== undefined) {
      record.skipped.push({ count: lateStart.count, firstScheduledAt: lateStart.firstScheduledAt, at: now })
      scheduledAt = lateStart.scheduledAt
    }
    const start = now
    const end = start + step.duration
    record.runs.push({ kind: "regular", scheduledAt, start, end, due, late })
    now = end
    if (step.runNow !== undefined) {
      const before = cell.cursor
      const skipped = trigger.beforeRunNow(cell, now)
      if (skipped !== undefined) record.skipped.push({ ...skipped, at: now })
      const consumed = cell.cursor - before - (skipped?.count ?? 0)
      if (consumed > 0) record.consumedByRunNow.push(before + (skipped?.count ?? 0))
      record.runs.push({
        kind: "runNow",
        scheduledAt: start,
        start: now,
        end: now + step.runNow,
        due: now,
        late: false
      })
      now += step.runNow
    }
    take(trigger.afterRun(cell, now, now, false), step.jitter ?? 0)
  }
  return record
}
