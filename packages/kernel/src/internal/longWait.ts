import type { SetTimer } from "../TimeSource.js"

/**
 * Well below the 2^31 - 1 ms that JavaScript timers (and Effect 3's default
 * Clock, which treats longer sleeps as infinite) can represent.
 */
export const MAX_TIMER_MILLIS = 2 ** 30

export const chunk = (millis: number): number => Math.min(Math.max(millis, 0), MAX_TIMER_MILLIS)

export const setTimer = (set: SetTimer, millis: number, callback: () => void): () => void => {
  let cancelled = false
  let cancel: () => void = () => {}
  const arm = (left: number): void => {
    const wait = chunk(left)
    cancel = set(wait, () => {
      if (cancelled) return
      if (left > wait) arm(left - wait)
      else callback()
    })
  }
  arm(millis)
  return () => {
    if (cancelled) return
    cancelled = true
    cancel()
  }
}
