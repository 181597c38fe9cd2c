import type { Cell, Late, Plan, Skipped, Trigger } from "../../Trigger.js"
import { at, atAfterSkips, done, firstEvery, skipped } from "./plan.js"

/**
 * Runs on a fixed grid `anchor + k * every` (k = 0, 1, …): `cursor` is the index of the next tick.
 * A run that overruns ticks is followed by exactly one run at once, for the latest tick that fell
 * due; the others are skipped. A run that starts late, past later ticks, runs for the latest of them
 * instead, the others skipped. Ticks that fell due while paused are dropped.
 */
export class EveryRate implements Trigger<never> {
  constructor(readonly every: number) {}

  get _tag(): "EveryRate" {
    return "EveryRate"
  }

  get wallAnchored(): boolean {
    return false
  }

  first(cell: Cell, now: number, _wallNow: number, initialDelay: number | undefined): Plan<never> {
    return firstEvery(cell, now, initialDelay, this.every)
  }

  afterRun(cell: Cell, end: number, _wallEnd: number, paused: boolean): Plan<never> {
    const every = this.every
    const next = cell.anchor + cell.cursor * every
    if (next >= end) return at(next, end, "draw")
    if (paused) {
      // a runNow run while paused: ticks that fell due meanwhile are dropped, not skipped
      cell.cursor = Math.ceil((end - cell.anchor) / every)
      return at(cell.anchor + cell.cursor * every, end, "draw")
    }
    // Overrun: exactly one run at once, for the latest tick that fell due; the others are skipped.
    const latest = Math.floor((end - cell.anchor) / every)
    const count = latest - cell.cursor
    cell.cursor = latest
    return atAfterSkips(cell.anchor + latest * every, end, "late", count, next)
  }

  onDue(cell: Cell, now: number): Late | undefined {
    const tick = cell.cursor
    const latest = Math.floor((now - cell.anchor) / this.every)
    if (latest <= tick) {
      cell.cursor = tick + 1
      return undefined
    }
    // Started late, past later ticks (a stall): this run is the one that follows it, for the latest tick.
    cell.cursor = latest + 1
    return {
      scheduledAt: cell.anchor + latest * this.every,
      count: latest - tick,
      firstScheduledAt: cell.anchor + tick * this.every
    }
  }

  onResume(cell: Cell, now: number, _wallNow: number, due: number) {
    if (due >= now) return undefined
    // the ticks that fell due while paused are dropped: the next is the first tick at or after the resume
    const tick = Math.ceil((now - cell.anchor) / this.every)
    cell.cursor = tick
    return at(cell.anchor + tick * this.every, now, "keep")
  }

  beforeRunNow(cell: Cell, end: number): Skipped | undefined {
    const next = cell.anchor + cell.cursor * this.every
    if (next >= end) return undefined
    const latest = Math.floor((end - cell.anchor) / this.every)
    const count = latest - cell.cursor
    cell.cursor = latest + 1
    return skipped(count, next)
  }

  stepped(): Plan<never> {
    return done
  }
}
