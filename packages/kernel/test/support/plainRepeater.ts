/**
 * A repeater made of the kernel alone, whose runs are plain callbacks that end
 * when told to: the dispatcher, a trigger, the lifecycle and the status put
 * together as a binding does, without jitter.
 */
import type * as Dispatcher from "@effect-repeater/kernel/Dispatcher"
import * as Lifecycle from "@effect-repeater/kernel/Lifecycle"
import * as Status from "@effect-repeater/kernel/Status"
import type * as Trigger from "@effect-repeater/kernel/Trigger"

export class PlainRepeater implements Dispatcher.DispatchItem, Trigger.Cell {
  due = 0
  heapIndex = -1
  heapSeq = 0
  anchor = NaN
  cursor = 0
  scheduleState: unknown = undefined
  phase: Lifecycle.Phase = Lifecycle.Active
  inFlight = false
  readonly counters = Status.make()
  private scheduledAt = NaN
  private basis = NaN
  /** Each run: `scheduledAt@start`. */
  readonly log: Array<string> = []

  constructor(
    readonly dispatcher: Dispatcher.Dispatcher<PlainRepeater>,
    readonly trigger: Trigger.Trigger<never>,
    readonly maxRepetitions?: number
  ) {}

  get wallAnchored(): boolean {
    return this.trigger.wallAnchored
  }

  shiftBy(step: number): number {
    this.scheduledAt += step
    this.basis += step
    return this.due + step
  }

  get state(): Lifecycle.State {
    return Lifecycle.state(this.phase, this.inFlight)
  }

  start(initialDelay: number): void {
    const now = this.dispatcher.now()
    this.follow(this.trigger.first(this, now, this.dispatcher.wallNow(), initialDelay))
  }

  private follow(plan: Trigger.Plan<never>): void {
    if (plan._tag !== "At") return
    Status.skipped(this.counters, plan.skipped)
    this.scheduledAt = plan.scheduledAt
    this.basis = plan.basis
    this.due = plan.jitter === "late" ? plan.basis : plan.scheduledAt
    if (!Lifecycle.isLive(this.phase)) return
    if (Lifecycle.isQueued(this.phase, this.inFlight)) this.dispatcher.schedule(this, this.due)
  }

  /** The dispatcher's `onDue`. */
  fire(): void {
    if (!Lifecycle.due(this.phase, this.inFlight)) return
    const late = this.trigger.onDue(this, this.dispatcher.now())
    if (late !== undefined) {
      Status.skipped(this.counters, late.count)
      this.scheduledAt = late.scheduledAt
    }
    this.begin(this.scheduledAt)
  }

  private begin(scheduledAt: number): void {
    this.inFlight = true
    const now = this.dispatcher.now()
    Status.started(this.counters, this.dispatcher.toWall(now))
    this.log.push(`${scheduledAt}@${now}`)
  }

  /** The run in flight ends now. */
  endRun(outcome: Lifecycle.Outcome = "success"): void {
    const end = this.dispatcher.now()
    this.inFlight = false
    Status.ended(this.counters, outcome, this.dispatcher.toWall(end), 0)
    const next = Lifecycle.runEnded(this.phase, outcome, false, Status.exhausted(this.counters, this.maxRepetitions))
    switch (next.action) {
      case "complete":
        this.phase = Lifecycle.end(this.phase, "completed")
        this.dispatcher.unschedule(this)
        return
      case "runNow": {
        this.phase = next.phase!
        const skipped = this.trigger.beforeRunNow(this, end)
        if (skipped !== undefined) Status.skipped(this.counters, skipped.count)
        this.begin(end)
        return
      }
      case "plan":
        return this.follow(
          this.trigger.afterRun(this, end, this.dispatcher.wallNow(), this.phase._tag === "Paused")
        )
      default:
        // a stop that waited for the run ends it now
        if (this.phase === Lifecycle.Stopping) this.phase = Lifecycle.end(this.phase, "stopped")
        return
    }
  }

  runNow(): void {
    const decision = Lifecycle.runNow(this.phase, this.inFlight)
    if (decision.action === "coalesce") this.phase = decision.phase!
    if (decision.action === "start") {
      this.dispatcher.unschedule(this)
      this.begin(this.dispatcher.now())
    }
  }

  pause(): void {
    const paused = Lifecycle.pause(this.phase)
    if (paused === this.phase) return
    this.phase = paused
    this.dispatcher.unschedule(this)
  }

  resume(): void {
    const resumed = Lifecycle.resume(this.phase)
    if (resumed === this.phase) return
    this.phase = resumed
    if (this.inFlight || Number.isNaN(this.scheduledAt)) return
    const now = this.dispatcher.now()
    const replanned = this.trigger.onResume(
      this,
      now,
      this.dispatcher.wallNow(),
      this.due,
      this.scheduledAt,
      this.basis
    )
    if (replanned === undefined) this.dispatcher.schedule(this, this.due)
    else this.follow(replanned)
  }

  stop(): void {
    if (Lifecycle.stopIdle(this.phase, this.inFlight) === "stop") {
      this.phase = Lifecycle.end(this.phase, "stopped")
      this.dispatcher.unschedule(this)
    } else {
      this.phase = Lifecycle.stop(this.phase)
      this.dispatcher.unschedule(this)
    }
  }
}
