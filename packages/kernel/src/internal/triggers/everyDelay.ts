import type { Cell, Plan, Trigger } from "../../Trigger.js"
import { at, done, firstEvery } from "./plan.js"

/** A fixed pause between the end of a run and the start of the next. */
export class EveryDelay implements Trigger<never> {
  constructor(readonly every: number) {}

  get _tag(): "EveryDelay" {
    return "EveryDelay"
  }

  get wallAnchored(): boolean {
    return false
  }

  first(cell: Cell, now: number, _wallNow: number, initialDelay: number | undefined): Plan<never> {
    return firstEvery(cell, now, initialDelay, this.every)
  }

  afterRun(_cell: Cell, end: number): Plan<never> {
    return at(end + this.every, end, "draw")
  }

  onDue(): undefined {
    return undefined
  }

  onResume(_cell: Cell, now: number, _wallNow: number, due: number, scheduledAt: number, basis: number) {
    // a run that fell due while paused is dropped: the wait it had left starts again at the resume
    return due >= now ? undefined : at(now + (scheduledAt - basis), now, "keep")
  }

  beforeRunNow(): undefined {
    return undefined
  }

  stepped(): Plan<never> {
    return done
  }
}
