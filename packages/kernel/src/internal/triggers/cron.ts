import type { Cell, Plan, Trigger } from "../../Trigger.js"
import { at, atAfterSkips, done } from "./plan.js"

/**
 * Runs at the matches of a calendar rule, given as `next`: the first match strictly after a wall
 * time. `anchor` is the wall time of the next match, `cursor` the wall time of the last consumed
 * match (matches at or before it are not counted as skipped). Due times are the dispatcher's:
 * a match `m` computed at dispatcher time `now` and wall time `wallNow` falls due at
 * `now + (m - wallNow)`.
 */
export class Cron implements Trigger<never> {
  constructor(readonly next: (wallMillis: number) => number) {}

  get _tag(): "Cron" {
    return "Cron"
  }

  get wallAnchored(): boolean {
    return true
  }

  first(cell: Cell, now: number, wallNow: number, initialDelay: number | undefined): Plan<never> {
    cell.cursor = wallNow + (initialDelay ?? 0)
    cell.anchor = this.next(cell.cursor)
    return at(now + (cell.anchor - wallNow), now, "draw")
  }

  afterRun(cell: Cell, end: number, wallEnd: number, paused: boolean): Plan<never> {
    // (after a step back of the wall clock, `wallEnd` may lie before the match just run)
    const from = Math.max(cell.cursor, wallEnd)
    const next = this.next(from)
    if (paused) cell.cursor = from
    let count = 0
    let firstSkipped = NaN
    for (let match = this.next(cell.cursor); match < next;) {
      if (count === 0) firstSkipped = match
      count++
      match = this.next(match)
    }
    cell.cursor = from
    cell.anchor = next
    return atAfterSkips(end + (next - wallEnd), end, "draw", count, end + (firstSkipped - wallEnd))
  }

  onDue(cell: Cell): void {
    cell.cursor = cell.anchor
  }

  onResume(cell: Cell, now: number, wallNow: number) {
    // computed again on the wall clock, which may have been stepped: the first match at or after
    // the resume that was not consumed yet
    cell.cursor = Math.max(cell.cursor, wallNow - 1)
    cell.anchor = this.next(cell.cursor)
    return at(now + (cell.anchor - wallNow), now, "keep")
  }

  beforeRunNow(): undefined {
    return undefined
  }

  stepped(): Plan<never> {
    return done
  }
}
