import type { At, Done, Jitter, Skipped } from "../../Trigger.js"

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
