/**
 * The kernel alone (`@effect-repeater/kernel`): a dispatcher on Node's clocks and timers, a trigger and the lifecycle
 * driving a plain callback per repeater, as a binding without Effect would. What the kernel costs, next to the
 * `Repeater`, whose difference is Effect's run (a fiber per run, its Scope, metrics, events).
 */
import * as Dispatcher from "@effect-repeater/kernel/Dispatcher"
import * as Lifecycle from "@effect-repeater/kernel/Lifecycle"
import type { TimeSource } from "@effect-repeater/kernel/TimeSource"
import * as Trigger from "@effect-repeater/kernel/Trigger"

/** Node's clocks and timers. */
const nodeTimeSource: TimeSource = {
  wallMillis: () => Date.now(),
  monotonicMillis: () => performance.now(),
  setTimer: (millis, callback) => {
    const handle = setTimeout(callback, millis)
    return () => clearTimeout(handle)
  }
}

/** One repeater: its own heap item and trigger cell, a run is a call of `task`. */
export class KernelRepeater implements Dispatcher.DispatchItem, Trigger.Cell {
  due = 0
  heapIndex = -1
  heapSeq = 0
  anchor = NaN
  cursor = 0
  scheduleState: unknown = undefined
  private phase: Lifecycle.Phase = Lifecycle.Active
  private scheduledAt = NaN

  constructor(
    private readonly dispatcher: Dispatcher.Dispatcher<KernelRepeater>,
    private readonly trigger: Trigger.Trigger<never>,
    private readonly task: () => void
  ) {}

  get wallAnchored(): boolean {
    return false
  }

  shiftBy(step: number): number {
    this.scheduledAt += step
    return this.due + step
  }

  /** Waits one interval before the first run (wait-first, as every row of the benchmark). */
  start(interval: number): void {
    this.follow(this.trigger.first(this, this.dispatcher.now(), this.dispatcher.wallNow(), interval))
  }

  private follow(plan: Trigger.Plan<never>): void {
    if (plan._tag !== "At" || !Lifecycle.isLive(this.phase)) return
    this.scheduledAt = plan.scheduledAt
    this.dispatcher.schedule(this, plan.jitter === "late" ? plan.basis : plan.scheduledAt)
  }

  /** The dispatcher's `onDue`: the run, then the next one planned. */
  fire(): void {
    if (!Lifecycle.due(this.phase, false)) return
    // (rate mode, started late past later ticks: the one run stands for the latest of them)
    const late = this.trigger.onDue(this, this.dispatcher.now())
    if (late !== undefined) this.scheduledAt = late.scheduledAt
    this.task()
    const end = this.dispatcher.now()
    const next = Lifecycle.runEnded(this.phase, "success", false, false)
    if (next.action === "plan") this.follow(this.trigger.afterRun(this, end, this.dispatcher.wallNow(), false))
  }

  stop(): void {
    if (Lifecycle.stopIdle(this.phase, false) === "stop") this.phase = Lifecycle.end(this.phase, "stopped")
  }
}

/** A dispatcher on Node's timers for kernel repeaters. */
export const makeDispatcher = (): Dispatcher.Dispatcher<KernelRepeater> =>
  Dispatcher.make<KernelRepeater>(nodeTimeSource, (repeater) => repeater.fire())

/** The trigger of a repeater every `interval` ms, in delay or rate mode. */
export const everyTrigger = (mode: "delay" | "rate", interval: number): Trigger.Trigger<never> =>
  mode === "delay" ? Trigger.everyDelay(interval) : Trigger.everyRate(interval)
