/**
 * A cron-like rule for the kernel's `Trigger.cron`: a match every `period` ms of wall time, at
 * multiples of `period` plus `offset`, with its `next` and its `count` (the matches a walk with
 * `next` meets between two wall times, counted arithmetically).
 */
export const periodicRule = (period: number, offset = 0) => {
  const next = (wall: number): number => Math.floor((wall - offset) / period) * period + period + offset
  const count = (after: number, before: number): number => {
    const first = Math.floor((after - offset) / period) + 1
    const last = Math.ceil((before - offset) / period) - 1
    return Math.max(0, last - first + 1)
  }
  return [next, count] as const
}
