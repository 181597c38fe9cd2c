import type { Cell, Plan, Trigger } from "../../Trigger.js"
import { at, atAfterSkips, done } from "./plan.js"

/**
 * Matches skipped after a run are walked one by one up to this many; the rest are counted with the
 * binding's `count`, so that a long step forward of the wall clock (or a long run) costs a few
 * steps, not one per match.
 */
export const WALK_BOUND = 16

/**
 * Runs at the matches of a calendar rule, given as `next`: the first match strictly after a wall
 * time, and `count`: how many matches a walk with `next` from a wall time meets before another.
 * `anchor` is the wall time of the next match, `cursor` the wall time of the last consumed
 * match (matches at or before it are not counted as skipped). Due times are the dispatcher's:
 * a match `m` computed at dispatcher time `now` and wall time `wallNow` falls due at
 * `now + (m - wallNow)`.
 */
export class Cron implements Trigger<never> {
  constructor(
    readonly next: (wallMillis: number) => number,
    readonly count: (afterWallMillis: number, beforeWallMillis: number) => number
  ) {}

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
    const firstSkipped = this.next(cell.cursor)
    let count = 0
    let match = firstSkipped
    while (match < next && count < WALK_BOUND) {
      count++
      match = this.next(match)
    }
    // (`match` is the last one walked to: the rest lie from there on)
    if (match < next) count += 1 + this.count(match, next)
    cell.cursor = from
    cell.anchor = next
    return atAfterSkips(
      end + (next - wallEnd),
      end,
      "draw",
      count,
      count === 0 ? NaN : end + (firstSkipped - wallEnd)
    )
  }

  onDue(cell: Cell): undefined {
    cell.cursor = cell.anchor
    return undefined
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
