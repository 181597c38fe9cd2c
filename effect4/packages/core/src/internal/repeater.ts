import * as Lifecycle from "@effect-repeater/kernel/Lifecycle"
import * as NextRun from "@effect-repeater/kernel/NextRun"
import * as Status from "@effect-repeater/kernel/Status"
import type * as Triggers from "@effect-repeater/kernel/Trigger"
import * as Waiters from "@effect-repeater/kernel/Waiters"
import * as WallTime from "@effect-repeater/kernel/WallTime"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import { type RepeaterConfigError, RepeaterScheduleError, type RepeaterTimeoutError } from "../RepeaterError.js"
import type { RepeaterEvent, StopResult } from "../RepeaterEvent.js"
import type { RepeaterHandle, RepeaterState, RepeaterStatus, StopOptions } from "../RepeaterHandle.js"
import { type ScheduleStep, type SharedConfig, validateGrace } from "./config.js"
import type { Dispatcher, DispatchItem } from "./dispatcher.js"
import type { MetricSeries, Outcome, RepeaterMetrics } from "./metrics.js"
import { CurrentRun, repeaterLogAnnotations, runContext, type RunToken } from "./runContext.js"
import { attempt, gracefully, wasInterrupted, withFinalizerFailure } from "./runPolicy.js"
import type { ScopeMembership } from "./scopeSlots.js"

/**
 * What a repeater needs from the service that owns it.
 *
 * @internal
 */
export interface Owner {
  readonly dispatcher: Dispatcher<ManagedRepeater>
  /** The service's own context: stop procedures run there, so that they finish even if the caller is interrupted. */
  readonly context: Context.Context<never>
  /** Whether anyone subscribes to the events: events are not even built otherwise. */
  readonly hasSubscribers: () => boolean
  readonly publish: (event: RepeaterEvent) => void
  readonly release: (repeater: ManagedRepeater) => void
  /** The metric series of its repeaters' names (bounded: see `MetricSeries`). */
  readonly metrics: MetricSeries
}

/**
 * A repeater as its service sees it, whatever its effect's types.
 *
 * @internal
 */
export interface ManagedRepeater extends DispatchItem, RepeaterHandle<unknown> {
  readonly grace: Duration.Duration
  /** What holds it in its Scope (see `ScopeSlots`): it leaves when it has ended, so that the Scope lets go of it. */
  scopeOwner: ScopeMembership<ManagedRepeater> | undefined
  /** Its place there. */
  scopeIndex: number
  fire(): void
  snapshot(): RepeaterStatus
  stopWith(grace: Duration.Duration): Effect.Effect<StopResult>
  stopIfIdle(): boolean
  holdNewRuns(): void
}

const utc = (millis: number): DateTime.Utc => DateTime.makeUnsafe(millis)

/** A wall-clock time as a `DateTime`, if a date can hold it. */
const optionalUtc = (millis: number): Option.Option<DateTime.Utc> =>
  WallTime.representable(millis) ? Option.some(utc(millis)) : Option.none()

/**
 * What a repeater keeps for its runs, made on its first run (idle repeaters
 * never pay for it): its metrics, its runs' log annotations and fiber effect,
 * the values of the run in flight (or the last one), and its counters (the
 * kernel's `Status`).
 */
class RunSupport<R> implements Status.Counters {
  run = 0
  scheduledAt = NaN
  startedAt = NaN
  scope: Scope.Closeable | undefined = undefined
  /** The run in flight's token (see `CurrentRun`). */
  token: RunToken | undefined = undefined
  // counters and the last run, for `status`
  runs = 0
  /** Runs that ended, interrupted ones included: what `maxRepetitions` bounds. */
  endedRuns = 0
  failures = 0
  skippedTicks = 0
  lastStart = NaN
  lastEnd = NaN
  lastDurationMillis = NaN
  lastFailure: Cause.Cause<unknown> | undefined = undefined
  /** When the runNow coalesced into the run after the one in flight was asked for. */
  runNowRequestedAt = NaN
  constructor(
    readonly metrics: RepeaterMetrics,
    /** All log annotations of its runs but `run`. */
    readonly logAnnotations: Readonly<Record<string, unknown>>,
    /** Fails only when traced (see `makeRunEffect`). */
    readonly effect: Effect.Effect<void, unknown, R | Scope.Scope>
  ) {}
}

/** How a repeater that failed ended: a run's error, a timeout, or its schedule's failure. */
type Ended<E> = E | RepeaterTimeoutError | RepeaterScheduleError

/**
 * What `stop` and `join` wait on (see the kernel's `Waiters`), made when first
 * needed: an idle repeater never pays for it.
 */
type RepeaterWaiters<E> = Waiters.Waiters<
  Exit.Exit<void, Ended<E>>,
  Deferred.Deferred<void, Ended<E>>,
  Deferred.Deferred<StopResult>
>

const wakeJoin = <E>(join: Deferred.Deferred<void, Ended<E>>, failure: Exit.Exit<void, Ended<E>> | undefined): void => {
  Deferred.doneUnsafe(join, failure ?? Exit.void)
}

const wakeStop = (stop: Deferred.Deferred<StopResult>, result: StopResult): void => {
  Deferred.doneUnsafe(stop, Exit.succeed(result))
}

/**
 * One repeater: the Effect side of the kernel's rules (its trigger, its
 * lifecycle phase, its counters) and its single in-flight run. It is also its
 * own handle, its own heap item and its trigger's cell, so that an idle
 * repeater is one object (plus its options) and holds no fiber.
 *
 * @internal
 */
export class RepeaterImpl<A, E, R> implements ManagedRepeater, RepeaterHandle<E>, Triggers.Cell, NextRun.NextRun {
  // heap item
  due = 0
  heapIndex = -1
  heapSeq = 0
  scopeOwner: ScopeMembership<ManagedRepeater> | undefined = undefined
  scopeIndex = -1

  // the next run (see the kernel's `NextRun`): its scheduled instant (before jitter), due time
  // (jitter included) and the instant the wait was computed from (used to resume delay and schedule modes)
  nextScheduledAt = NaN
  nextBasis = NaN
  nextJitter = 0
  // the trigger's cell (see the kernel's `Trigger.Cell`)
  /**
   * Rate mode: grid index of the next tick; cron: the wall time of the last consumed match
   * (matches at or before it are not counted as skipped).
   */
  cursor = 0
  /**
   * Every: the origin of the grid (t0), the instant of the first run before jitter; cron: the wall time of the next
   * match. One field for both, as for `cursor`: an idle repeater carries a field and a boxed double less.
   */
  anchor = NaN
  /** Schedule: its state. */
  scheduleState: unknown = undefined

  private started = 0

  private inFlight: Fiber.Fiber<unknown, unknown> | undefined = undefined
  /** Where it is in its life (see the kernel's `Lifecycle`): with `inFlight`, all of its state. */
  private phase: Lifecycle.Phase = Lifecycle.Active
  private waiters: RepeaterWaiters<E> | undefined = undefined
  private running: RunSupport<R> | undefined = undefined

  constructor(
    /** Shared by the repeaters forked with the same options but their name. */
    readonly config: SharedConfig<E>,
    readonly name: string,
    private readonly owner: Owner,
    private readonly context: Context.Context<R>,
    private readonly task: Effect.Effect<A, E, R>,
    /** Whether runs get a span: not with Effect's built-in tracer, which records nothing. */
    private readonly traced: boolean
  ) {}

  get grace(): Duration.Duration {
    return this.config.grace
  }

  get wallAnchored(): boolean {
    return this.config.trigger.wallAnchored
  }

  shiftBy(step: number): number {
    return NextRun.shiftBy(this, step)
  }

  private now(): number {
    return this.owner.dispatcher.now()
  }

  /** A time of the dispatcher as the wall-clock time it is reported as. */
  private reported(time: number): DateTime.Utc {
    return utc(this.owner.dispatcher.toWall(time))
  }

  // ---------------------------------------------------------------------------
  // planning
  // ---------------------------------------------------------------------------

  /** Plans the first run; returns the rest of the work when it needs effects (jitter, a schedule's first step). */
  start(): Effect.Effect<void> | undefined {
    const config = this.config
    const now = this.now()
    if (config.maxRepetitions === 0) {
      this.end("completed")
      return undefined
    }
    const planned = this.follow(
      config.trigger.first(this, now, this.owner.dispatcher.toWall(now), config.initialDelayMillis),
      0
    )
    return planned === Effect.void ? undefined : planned
  }

  /** Plans the next run after a run ended at `end`. */
  private planAfterRun(end: number, run: number): Effect.Effect<void> {
    // the wall time of `end` itself, not a new reading: time passed since `end` was read (reports, a busy
    // machine) would otherwise move every wall-clock match (cron) that much earlier
    const plan = this.config.trigger.afterRun(
      this,
      end,
      this.owner.dispatcher.toWall(end),
      this.phase._tag === "Paused"
    )
    return this.follow(plan, run)
  }

  /** Carries out what the trigger planned: ticks it skipped, a schedule's step, the next run. */
  private follow(plan: Triggers.Plan<ScheduleStep>, run: number): Effect.Effect<void> {
    switch (plan._tag) {
      case "At":
        this.recordSkipped(run, plan.firstSkippedAt, plan.skipped)
        // A next run past what a date can hold (an infinite delay, or past year 275760) never
        // comes: the repeater completes, as if its schedule were done.
        if (!WallTime.representable(this.owner.dispatcher.toWall(plan.scheduledAt))) {
          return this.follow({ _tag: "Done" }, run)
        }
        return this.planAt(plan)
      case "Step":
        return this.stepSchedule(plan)
      case "Done":
        if (Lifecycle.scheduleDone(this.phase, this.inFlight !== undefined)) this.end("completed")
        return Effect.void
    }
  }

  /**
   * Rate mode, before a coalesced runNow run that follows an overrun: that run is the one run
   * that follows the overrun, so the ticks that fell due are consumed (the latest by this run,
   * the others skipped) instead of being followed by a second, catch-up run.
   */
  private consumeOverdueTicks(end: number, run: number): void {
    const skipped = this.config.trigger.beforeRunNow(this, end)
    if (skipped !== undefined) this.recordSkipped(run, skipped.firstScheduledAt, skipped.count)
  }

  /** A schedule's step, stepped on the wall clock, as Effect.repeat does (Schedule.cron keeps to wall time). */
  private stepSchedule(plan: Triggers.Step<ScheduleStep>): Effect.Effect<void> {
    return Effect.matchCauseEffect(plan.step, {
      onFailure: (cause) =>
        Effect.sync(() => {
          if (!Lifecycle.scheduleFailed(this.phase, this.inFlight !== undefined)) return
          if (Cause.hasInterruptsOnly(cause)) return this.end("failed", cause)
          const failure = Cause.fail(new RepeaterScheduleError({ repeater: this.name, cause: Cause.squash(cause) }))
          this.support().lastFailure = failure
          this.end("failed", failure)
        }).pipe(Effect.andThen(Effect.logError(`Repeater "${this.name}": its schedule failed`, cause))),
      onSuccess: ([state, start]) =>
        this.follow(this.config.trigger.stepped(this, plan.now, plan.wallNow, state, start), this.started)
    })
  }

  /** Plans the run the trigger planned: its jitter is drawn here (see the kernel's `NextRun`). */
  private planAt(plan: Triggers.At): Effect.Effect<void> {
    const jitter = this.config.jitterMillis
    if (!NextRun.drawsJitter(plan, jitter)) {
      this.setNext(plan, 0)
      return Effect.void
    }
    return Effect.map(Random.nextBetween(0, jitter), (drawn) => this.setNext(plan, drawn))
  }

  private setNext(plan: Triggers.At, drawn: number): void {
    if (!Lifecycle.isLive(this.phase)) return
    NextRun.place(this, plan, drawn)
    if (Lifecycle.isQueued(this.phase, this.inFlight !== undefined)) this.owner.dispatcher.schedule(this, this.due)
  }

  private recordSkipped(run: number, firstScheduledAt: number, count: number): void {
    if (count <= 0) return
    Status.skipped(this.support(), count)
    this.getMetrics().skippedTicks(count)
    if (this.owner.hasSubscribers()) {
      this.owner.publish({
        _tag: "TickSkipped",
        name: this.name,
        run,
        scheduledAt: this.reported(firstScheduledAt),
        count
      })
    }
  }

  /** Called by the dispatcher when the next run is due. */
  fire(): void {
    if (!Lifecycle.due(this.phase, this.inFlight !== undefined)) return
    const late = this.config.trigger.onDue(this, this.now())
    if (late !== undefined) {
      // rate mode, started late past later ticks (a stall): the one run for the latest of them
      this.recordSkipped(this.started + 1, late.firstScheduledAt, late.count)
      this.nextScheduledAt = late.scheduledAt
    }
    this.startRun(this.nextScheduledAt, true)
  }

  // ---------------------------------------------------------------------------
  // running
  // ---------------------------------------------------------------------------

  private getMetrics(): RepeaterMetrics {
    return this.support().metrics
  }

  private support(): RunSupport<R> {
    return this.running ??= new RunSupport(
      this.owner.metrics.of(this.name, this.context as Context.Context<never>),
      repeaterLogAnnotations(this.context as Context.Context<never>, this.name),
      this.makeRunEffect()
    )
  }

  /**
   * Starts a run in a fiber of its own. From the dispatcher's timer (`immediate`), the fiber runs
   * at once, in the timer's turn: a run that does not wait ends there. Elsewhere (`runNow`, the run
   * that follows a run) it yields first, so that it starts after the caller's step, as a forked
   * fiber does.
   */
  private startRun(scheduledAt: number, immediate: boolean): void {
    const running = this.support()
    const run = ++this.started
    NextRun.clear(this)
    // Each run has a Scope of its own, in its fiber's context from the start: finalizers the task
    // adds run when the run ends.
    const scope = Scope.makeUnsafe()
    const token: RunToken = { tick: this.owner.dispatcher.toWall(scheduledAt) }
    running.run = run
    running.scheduledAt = scheduledAt
    running.scope = scope
    running.token = token
    const context = runContext(this.context, running.logAnnotations, run, token, scope)
    // (traced, the run's effect ends with the task's exit, so that the span does too)
    const effect = this.traced ?
      Effect.ignore(Effect.withSpan(running.effect, "Repeater.run", {
        root: true,
        captureStackTrace: false,
        attributes: { "repeater.name": this.name, "repeater.run": run, "repeater.scheduled_at": scheduledAt }
      })) :
      running.effect
    if (immediate) {
      // the run's first step records its fiber as the one in flight (it may end before this returns)
      Effect.runForkWith(context)(effect)
    } else {
      const fiber = Effect.runForkWith(context)(Effect.andThen(Effect.yieldNow, effect))
      this.inFlight = fiber
      // interrupted during its first yield (a stop right after a runNow), the run never began: it is
      // no longer in flight either
      fiber.addObserver(() => {
        if (this.inFlight === fiber) this.inFlight = undefined
      })
    }
  }

  /**
   * What a run's fiber runs, the same effect for every run (the run's own values are in
   * `running`): it records the start, runs the task (interruptible), then, whatever the task's
   * exit, uninterruptibly closes the run's Scope and ends the run. Traced, it then ends with the
   * task's exit (for the span).
   */
  private makeRunEffect(): Effect.Effect<void, unknown, R | Scope.Scope> {
    const { retry, timeout } = this.config
    const task = timeout === undefined && retry === undefined ?
      this.task :
      Effect.suspend(() => attempt(this.task, this.config, this.name, this.support().run))
    const begin = Effect.withFiber<void>((fiber) => {
      this.inFlight = fiber
      const running = this.support()
      const startedAt = this.now()
      running.startedAt = startedAt
      Status.started(running, this.owner.dispatcher.toWall(startedAt))
      running.metrics.started(startedAt - running.scheduledAt)
      if (this.owner.hasSubscribers()) {
        this.owner.publish({
          _tag: "RunStarted",
          name: this.name,
          run: running.run,
          scheduledAt: this.reported(running.scheduledAt),
          startedAt: this.reported(startedAt)
        })
      }
      return Effect.void
    })
    return Effect.uninterruptible(
      Effect.matchCauseEffect(Effect.andThen(begin, Effect.interruptible(task)), {
        onFailure: (cause) => {
          const ended = this.afterRun(Exit.failCause(cause))
          return this.traced ? Effect.andThen(ended, Effect.failCause(cause)) : ended
        },
        onSuccess: (value) => this.afterRun(Exit.succeed(value))
      })
    )
  }

  /** The run ends when its finalizers have run: only then is it counted and the next one planned. */
  private afterRun(exit: Exit.Exit<A, E | RepeaterTimeoutError>): Effect.Effect<void> {
    const { run, scheduledAt, scope, startedAt } = this.support()
    // (already uninterruptible: see `makeRunEffect`) a Scope the task added no finalizer to closes at once
    const closing = scope === undefined ? undefined : Scope.closeUnsafe(scope, exit)
    if (closing === undefined) return this.onRunExit(run, scheduledAt, startedAt, exit)
    return Effect.flatMap(
      Effect.exit(closing),
      (closed) => this.onRunExit(run, scheduledAt, startedAt, withFinalizerFailure(exit, closed))
    )
  }

  private onRunExit(
    run: number,
    scheduledAt: number,
    startedAt: number,
    exit: Exit.Exit<A, E | RepeaterTimeoutError>
  ): Effect.Effect<void> {
    const end = this.now()
    const duration = end - startedAt
    this.inFlight = undefined
    const running = this.support()
    const outcome: Outcome = Exit.isSuccess(exit) ?
      "success" :
      Cause.hasInterruptsOnly(exit.cause) ?
      "interrupted" :
      "failure"
    Status.ended(running, outcome, this.owner.dispatcher.toWall(end), duration)
    this.getMetrics().finished(outcome, duration)
    let log: Effect.Effect<void> = Effect.void
    let failure: Cause.Cause<E | RepeaterTimeoutError> | undefined
    if (outcome === "success") {
      if (this.owner.hasSubscribers()) {
        this.owner.publish({
          _tag: "RunSucceeded",
          name: this.name,
          run,
          scheduledAt: this.reported(scheduledAt),
          startedAt: this.reported(startedAt),
          duration: Duration.millis(duration)
        })
      }
    } else if (outcome === "failure" && Exit.isFailure(exit)) {
      const cause = exit.cause
      failure = cause
      running.lastFailure = cause
      if (this.owner.hasSubscribers()) {
        this.owner.publish({
          _tag: "RunFailed",
          name: this.name,
          run,
          scheduledAt: this.reported(scheduledAt),
          startedAt: this.reported(startedAt),
          duration: Duration.millis(duration),
          cause
        })
      }
      log = Effect.logError(`Repeater "${this.name}" run ${run} failed`, cause)
    }
    const next = Lifecycle.runEnded(
      this.phase,
      outcome,
      this.config.onError === "stop",
      Status.exhausted(running, this.config.maxRepetitions)
    )
    switch (next.action) {
      case "fail":
        this.end("failed", failure)
        return log
      case "complete":
        this.end("completed")
        return log
      case "none":
        return log
      case "runNow":
        this.phase = next.phase!
        this.consumeOverdueTicks(end, run)
        this.startRun(running.runNowRequestedAt, false)
        return log
      case "plan":
        return outcome === "failure" ? Effect.andThen(log, this.planAfterRun(end, run)) : this.planAfterRun(end, run)
    }
  }

  // ---------------------------------------------------------------------------
  // control
  // ---------------------------------------------------------------------------

  get runNow(): Effect.Effect<void> {
    return Effect.sync(() => {
      const decision = Lifecycle.runNow(this.phase, this.inFlight !== undefined)
      switch (decision.action) {
        case "ignore":
          return
        case "coalesce":
          if (!Lifecycle.runNowPending(this.phase)) this.support().runNowRequestedAt = this.now()
          this.phase = decision.phase!
          return
        case "start":
          this.owner.dispatcher.unschedule(this)
          this.startRun(this.now(), false)
      }
    })
  }

  get pause(): Effect.Effect<void> {
    return Effect.sync(() => {
      const paused = Lifecycle.pause(this.phase)
      if (paused === this.phase) return
      this.phase = paused
      this.owner.dispatcher.unschedule(this)
    })
  }

  get resume(): Effect.Effect<void> {
    return Effect.sync(() => {
      const resumed = Lifecycle.resume(this.phase)
      if (resumed === this.phase) return
      this.phase = resumed
      if (this.inFlight !== undefined || !NextRun.isPlanned(this)) return
      const now = this.now()
      // The next run fell due while paused: it is dropped, not caught up (cron: the next match is
      // computed again on the wall clock, which may have been stepped).
      const replanned = NextRun.resumed(this, this.config.trigger, this, now, this.owner.dispatcher.toWall(now))
      if (replanned === undefined) this.owner.dispatcher.schedule(this, this.due)
      else this.planAt(replanned)
    })
  }

  stop(): Effect.Effect<StopResult>
  stop(options: StopOptions): Effect.Effect<StopResult, RepeaterConfigError>
  stop(options?: StopOptions): Effect.Effect<StopResult, RepeaterConfigError> {
    return Effect.suspend(() => {
      let grace = this.config.grace
      if (options?.grace !== undefined) {
        const decoded = validateGrace(this.name, options.grace)
        if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
        grace = decoded.success
      }
      return this.stopWith(grace)
    })
  }

  /**
   * Its Scope is closing: an idle repeater stops at once; one with a run in flight starts no new
   * run (the kernel's `Draining`) until its own finalizer stops it.
   */
  holdNewRuns(): void {
    if (!this.stopIfIdle()) {
      this.phase = Lifecycle.close(this.phase)
      this.owner.dispatcher.unschedule(this)
    }
  }

  /**
   * Stops the repeater at once if it has no run in flight (nor a stop under way) and
   * tells whether it did (or had ended already), so that closing a Scope of many idle
   * repeaters needs no fiber each.
   */
  stopIfIdle(): boolean {
    switch (Lifecycle.stopIdle(this.phase, this.inFlight !== undefined)) {
      case "busy":
        return false
      case "ended":
        return true
      case "stop":
        this.phase = Lifecycle.Stopping
        this.owner.dispatcher.unschedule(this)
        this.finishStop("idle")
        return true
    }
  }

  /** Stops with the given grace; used by `stop`, scope finalizers and the service's shutdown. */
  stopWith(grace: Duration.Duration): Effect.Effect<StopResult> {
    return Effect.flatMap(Effect.service(CurrentRun), (callerRun) => {
      const fiber = this.inFlight
      if (fiber !== undefined && callerRun !== undefined && callerRun === this.running?.token) {
        return Effect.succeed(this.stopFromOwnRun(fiber))
      }
      const request = Waiters.stopRequested(this.waiters, fiber !== undefined)
      switch (request._tag) {
        case "Settled":
          return Effect.succeed(request.result)
        case "Await":
          // A stop the run asked for itself waits for it without bound: a stop from outside
          // still gives it only its grace.
          if (request.giveGrace && fiber !== undefined) this.runStopProcedure(gracefully(fiber, grace))
          return Deferred.await(request.stop)
        case "Begin": {
          // idle, or ended on its own (completed, failed): nothing to wait for
          if (this.stopIfIdle() || fiber === undefined) return Effect.succeed(this.waiters?.stopResult ?? "idle")
          const deferred = this.beginStop()
          this.runStopProcedure(gracefully(fiber, grace))
          return Deferred.await(deferred)
        }
      }
    })
  }

  /**
   * `stop` called from the run in flight (or a fiber it forked): that run cannot wait for
   * itself, so the stop returns `"finished"` at once and the run is the last one. A stop
   * already under way from outside goes on as it was; a later one from outside gives the run
   * its grace.
   */
  private stopFromOwnRun(fiber: Fiber.Fiber<unknown, unknown>): StopResult {
    if (Waiters.ownRunBeginsStop(this.waiters, this.phase)) {
      this.beginStop()
      this.makeWaiters().unboundedStop = true
      this.runStopProcedure(
        Effect.map(Fiber.await(fiber), (exit): StopResult => wasInterrupted(exit) ? "interrupted" : "finished")
      )
    }
    return "finished"
  }

  private beginStop(): Deferred.Deferred<StopResult> {
    const deferred = Deferred.makeUnsafe<StopResult>()
    this.makeWaiters().stop = deferred
    this.phase = Lifecycle.stop(this.phase)
    this.owner.dispatcher.unschedule(this)
    return deferred
  }

  /** Runs on the service's runtime, so that the stop completes even if its caller is interrupted. */
  private runStopProcedure(procedure: Effect.Effect<StopResult>): void {
    Effect.runForkWith(this.owner.context)(
      Effect.flatMap(procedure, (result) => Effect.sync(() => this.finishStop(result)))
    )
  }

  private makeWaiters(): RepeaterWaiters<E> {
    return this.waiters ??= Waiters.make()
  }

  private finishStop(result: StopResult): void {
    this.end("stopped", undefined, result)
  }

  /** Ends the repeater, once: frees its name, reports it and wakes `join` and `stop`. */
  private end(ended: Lifecycle.Ending, cause?: Cause.Cause<Ended<E>>, result?: StopResult): void {
    // the first stop procedure to finish decides the result (an idle stop's is the default)
    if (Waiters.decidesResult(this.waiters, result)) this.makeWaiters().stopResult = result
    if (Lifecycle.isEnded(this.phase)) {
      Waiters.wakeDecidedStop(this.waiters, wakeStop)
      return
    }
    // kept before it counts as ended, so that `join` never sees one without the other
    if (cause !== undefined) this.makeWaiters().failure = Exit.failCause(cause)
    this.phase = Lifecycle.end(this.phase, ended)
    this.owner.dispatcher.unschedule(this)
    this.owner.release(this)
    const runs = this.running?.runs ?? 0
    switch (ended) {
      case "stopped":
        if (this.owner.hasSubscribers()) {
          this.owner.publish({ _tag: "Stopped", name: this.name, runs, result: result ?? "idle" })
        }
        break
      case "completed":
        if (this.owner.hasSubscribers()) this.owner.publish({ _tag: "Completed", name: this.name, runs })
        break
      case "failed":
        if (this.owner.hasSubscribers()) this.owner.publish({ _tag: "Failed", name: this.name, runs, cause: cause! })
        break
    }
    Waiters.wakeOnEnd(this.waiters, result, wakeJoin, wakeStop)
  }

  get join(): Effect.Effect<void, Ended<E>> {
    return Effect.suspend(() => {
      if (Lifecycle.isEnded(this.phase)) return this.waiters?.failure ?? Exit.void
      const waiters = this.makeWaiters()
      waiters.join ??= Deferred.makeUnsafe<void, Ended<E>>()
      return Deferred.await(waiters.join)
    })
  }

  // ---------------------------------------------------------------------------
  // status
  // ---------------------------------------------------------------------------

  get state(): RepeaterState {
    return Lifecycle.state(this.phase, this.inFlight !== undefined)
  }

  snapshot(): RepeaterStatus {
    const scheduled = this.owner.dispatcher.isScheduled(this)
    const running = this.running
    return {
      name: this.name,
      state: this.state,
      inFlight: this.inFlight !== undefined,
      runs: running?.runs ?? 0,
      failures: running?.failures ?? 0,
      skippedTicks: running?.skippedTicks ?? 0,
      lastStart: optionalUtc(running?.lastStart ?? NaN),
      lastEnd: optionalUtc(running?.lastEnd ?? NaN),
      lastDuration: running === undefined || Number.isNaN(running.lastDurationMillis) ?
        Option.none() :
        Option.some(Duration.millis(running.lastDurationMillis)),
      lastFailure: running?.lastFailure === undefined
        ? Option.none()
        : Option.some(Cause.pretty(running.lastFailure)),
      nextRun: scheduled ? optionalUtc(this.owner.dispatcher.toWall(this.due)) : Option.none()
    }
  }

  get status(): Effect.Effect<RepeaterStatus> {
    return Effect.sync(() => this.snapshot())
  }
}
