/**
 * The floor: a raw `setTimeout` chain per repeater, on Node timers alone (no library), shared by both lines' scenario
 * scripts.
 */
import type { Impl } from "./Session.js"

/**
 * An implementation on Node timers: `arm` starts repeater `i`, calling `onArm(i)` as it arms the first wait, and keeps
 * the repeater's pending timer in `timers[i]`; stopping clears them all (`clearTimeout` clears intervals too).
 */
export const nodeTimers = (
  contract: "delay" | "rate",
  arm: (
    timers: Array<NodeJS.Timeout>,
    i: number,
    intervalMs: number,
    task: (i: number) => void,
    onArm: (i: number) => void
  ) => void
): Impl => ({
  contract,
  resolution: "ms",
  setup: async () => () => {
    const timers: Array<NodeJS.Timeout> = []
    return {
      start: async (from, to, intervalMs, task, onArm) => {
        for (let i = from; i < to; i++) arm(timers, i, intervalMs, task, onArm)
      },
      stop: async () => {
        for (const timer of timers) clearTimeout(timer)
        timers.length = 0
      }
    }
  }
})

/** The floor: each tick arms the next `setTimeout` one interval after its end. */
export const rawChain = nodeTimers("delay", (timers, i, intervalMs, task, onArm) => {
  const tick = () => {
    task(i)
    timers[i] = setTimeout(tick, intervalMs)
  }
  onArm(i)
  timers[i] = setTimeout(tick, intervalMs)
})
