import type { Cell, Plan, Trigger } from "../../Trigger.js"
import { at, atAfterSkips, done } from "./plan.js"

/**
 * Matches skipped after a run are walked one by one up to this many; the rest are counted with the
 * binding's `count`, so that a long step forward of the wall clock (or a long run) costs a few
 * steps, not one per match.
 */
export const WALK_BOUND = 16

/** The first wait of a search from past an answer that does not move on (`firstAfter`): an hour, doubled each time. */
const REPEAT_SEARCH_STEP = 3_600_000

/**
 * The first match strictly after `after`: `next(after)`, except where `next` answers a match at or
 * before `after` (Effect 3's `Cron.next` within the hour a zone's clock repeats when it goes back:
 * America/New_York, 2024-11-03T06:00:00Z to 07:00:00Z, answers a match an hour earlier). From there
 * the walk goes on with `next` to the first match after `after`: the one a walk from before the
 * change reaches (the repeated hour's matches are not visited a second time), so that a repeater
 * never plans a match in the past (it would run again at once, for the same match, without end).
 * Should `next` not move on from a match, the search starts again from later (an hour past `after`,
 * then two, four, …), so that it ends for any `next` that answers no more than some bound back.
 */
export const firstAfter = (next: (wallMillis: number) => number) => (after: number): number => {
  let match = next(after)
  let step = REPEAT_SEARCH_STEP
  while (match <= after) {
    const following = next(match)
    if (following > match) match = following
    else {
      match = next(after + step)
      step *= 2
    }
  }
  return match
}

/**
 * Runs at the matches of a calendar rule, given as `next`: the first match strictly after a wall
 * time (never one at or before it: see `firstAfter`), and `count`: how many matches a walk with
 * `next` from a wall time meets before another.
 * `anchor` is the wall time of the next match, `cursor` the wall time of the last consumed
 * match (matches at or before it are not counted as skipped). Due times are the dispatcher's:
 * a match `m` computed at dispatcher time `now` and wall time `wallNow` falls due at
 * `now + (m - wallNow)`.
 */
export class Cron implements Trigger<never> {
  readonly next: (wallMillis: number) => number

  constructor(
    next: (wallMillis: number) => number,
    readonly count: (afterWallMillis: number, beforeWallMillis: number) => number
  ) {
    this.next = firstAfter(next)
  }

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
