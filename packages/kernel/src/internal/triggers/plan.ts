import type { At, Cell, Done, Jitter, Skipped } from "../../Trigger.js"

export const done: Done = { _tag: "Done" }

export const at = (scheduledAt: number, basis: number, jitter: Jitter): At => ({
  _tag: "At",
  scheduledAt,
  basis,
  jitter,
  skipped: 0,
  firstSkippedAt: NaN
})

export const atAfterSkips = (
  scheduledAt: number,
  basis: number,
  jitter: Jitter,
  skipped: number,
  firstSkippedAt: number
): At => ({ _tag: "At", scheduledAt, basis, jitter, skipped, firstSkippedAt })

export const skipped = (count: number, firstScheduledAt: number): Skipped | undefined =>
  count > 0 ? { count, firstScheduledAt } : undefined

/**
 * The first tick of an `every` trigger, delay or rate alike: after the initial delay, or one period when none is
 * given; it is tick 0 of the grid that rate mode keeps.
 */
export const firstEvery = (cell: Cell, now: number, initialDelay: number | undefined, every: number): At => {
  cell.anchor = now + (initialDelay ?? every)
  cell.cursor = 0
  return at(cell.anchor, now, "draw")
}
