import type { Cell, Plan, Trigger } from "../../Trigger.js"
import { at, done } from "./plan.js"

/**
 * Runs when a schedule says: its steps are the binding's (they may need effects), asked for with a
 * `Step` plan and answered with `stepped`. The schedule's state is kept in the cell. Steps are taken
 * on the wall clock and converted to the dispatcher's time.
 */
export class Schedule<F> implements Trigger<F> {
  constructor(
    readonly initial: unknown,
    readonly step: (wallNow: number, state: unknown) => F
  ) {}

  get _tag(): "Schedule" {
    return "Schedule"
  }

  get wallAnchored(): boolean {
    return false
  }

  first(cell: Cell, now: number, wallNow: number, initialDelay: number | undefined): Plan<F> {
    cell.scheduleState = this.initial
    return initialDelay === undefined ? this.ask(cell, now, wallNow) : at(now + initialDelay, now, "draw")
  }

  afterRun(cell: Cell, end: number, wallEnd: number): Plan<F> {
    return this.ask(cell, end, wallEnd)
  }

  private ask(cell: Cell, now: number, wallNow: number): Plan<F> {
    return { _tag: "Step", step: this.step(wallNow, cell.scheduleState), now, wallNow }
  }

  onDue(): undefined {
    return undefined
  }

  onResume(_cell: Cell, now: number, _wallNow: number, due: number, scheduledAt: number, basis: number) {
    return due >= now ? undefined : at(now + (scheduledAt - basis), now, "keep")
  }

  beforeRunNow(): undefined {
    return undefined
  }

  stepped(cell: Cell, now: number, wallNow: number, state: unknown, start: number | undefined): Plan<F> {
    cell.scheduleState = state
    return start === undefined ? done : at(now + (start - wallNow), now, "draw")
  }
}
