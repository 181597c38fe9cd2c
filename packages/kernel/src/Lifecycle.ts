/**
 * A repeater's lifecycle: one `Phase` value plus whether a run is in flight,
 * with pure transitions. The reported state is derived from both (`state`).
 *
 * ```text
 *            pause              resume
 *   Active ─────────► Paused ─────────► Active
 *     │ close (run in flight)   │
 *     ▼                         ▼
 *   Draining ── stop ──► Stopping ── end ──► Ended (stopped | completed | failed)
 * ```
 *
 * `Active` and `Paused` are the live phases: only they accept a planned run,
 * and a runNow asked for during a run is kept in them (`runNowPending`) until
 * that run ended. `Draining`: the repeater's Scope is closing, no new run
 * starts and its finalizer will stop it. `Stopping`: a stop waits for the run
 * in flight. `Ended` is final.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/lifecycle.js"

/**
 * Where a repeater is in its life.
 *
 * @since 0.1.0
 * @category models
 */
export type Phase =
  | { readonly _tag: "Active"; readonly runNowPending: boolean }
  | { readonly _tag: "Paused"; readonly runNowPending: boolean }
  | { readonly _tag: "Draining" }
  | { readonly _tag: "Stopping" }
  | { readonly _tag: "Ended"; readonly how: Ending }

/**
 * How a repeater ended.
 *
 * @since 0.1.0
 * @category models
 */
export type Ending = "stopped" | "completed" | "failed"

/**
 * The state a repeater reports.
 *
 * @since 0.1.0
 * @category models
 */
export type State = "scheduled" | "running" | "paused" | "stopping" | Ending

/**
 * How a run ended: an interrupted run is neither a success nor a failure.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = "success" | "failure" | "interrupted"

/**
 * What a runNow does: start a run at once, run once the run in flight ended
 * (`coalesce`, however many are asked for), or nothing (the repeater is
 * stopping or ended). `phase`: the new phase, if it changes.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunNow {
  readonly phase: Phase | undefined
  readonly action: "start" | "coalesce" | "ignore"
}

/**
 * What follows a run that ended: the repeater fails (a failure with
 * `onError: "stop"`), completes (no repetition left), runs again at once (a
 * coalesced runNow), plans its next run, or nothing (it is stopping or ended).
 * `phase`: the new phase, if it changes.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunEnded {
  readonly phase: Phase | undefined
  readonly action: "fail" | "complete" | "runNow" | "plan" | "none"
}

/**
 * The phases (each one value: phases are compared by identity).
 *
 * @since 0.1.0
 * @category constants
 */
export const Active: Phase = internal.Active

/**
 * @since 0.1.0
 * @category constants
 */
export const Paused: Phase = internal.Paused

/**
 * @since 0.1.0
 * @category constants
 */
export const Draining: Phase = internal.Draining

/**
 * @since 0.1.0
 * @category constants
 */
export const Stopping: Phase = internal.Stopping

/**
 * The reported state: `Ended` reports how it ended, `Draining` and `Stopping`
 * report `"stopping"`, `Paused` `"paused"` (even with a run in flight), and
 * `Active` `"running"` or `"scheduled"`.
 *
 * @since 0.1.0
 * @category getters
 */
export const state: (phase: Phase, inFlight: boolean) => State = internal.state

/**
 * Whether the repeater accepts a planned run (`Active` or `Paused`).
 *
 * @since 0.1.0
 * @category getters
 */
export const isLive: (phase: Phase) => boolean = internal.isLive

/**
 * Whether a planned run waits in the dispatcher: `Active` with no run in flight.
 *
 * @since 0.1.0
 * @category getters
 */
export const isQueued: (phase: Phase, inFlight: boolean) => boolean = internal.isQueued

/**
 * @since 0.1.0
 * @category getters
 */
export const isEnded: (phase: Phase) => boolean = internal.isEnded

/**
 * Whether a runNow waits for the run in flight.
 *
 * @since 0.1.0
 * @category getters
 */
export const runNowPending: (phase: Phase) => boolean = internal.runNowPending

/**
 * Whether a run that fell due starts: only `Active` with no run in flight.
 *
 * @since 0.1.0
 * @category transitions
 */
export const due: (phase: Phase, inFlight: boolean) => boolean = internal.due

/**
 * A runNow (see `RunNow`).
 *
 * @since 0.1.0
 * @category transitions
 */
export const runNow: (phase: Phase, inFlight: boolean) => RunNow = internal.runNow

/**
 * `Active` becomes `Paused`; any other phase is kept.
 *
 * @since 0.1.0
 * @category transitions
 */
export const pause: (phase: Phase) => Phase = internal.pause

/**
 * `Paused` becomes `Active`; any other phase is kept.
 *
 * @since 0.1.0
 * @category transitions
 */
export const resume: (phase: Phase) => Phase = internal.resume

/**
 * A stop that waits for the run in flight: `Stopping`, unless ended.
 *
 * @since 0.1.0
 * @category transitions
 */
export const stop: (phase: Phase) => Phase = internal.stop

/**
 * The repeater's Scope is closing while a run is in flight: no new run starts
 * (`Draining`, from a live phase). An idle repeater is stopped instead (see
 * `stopIdle`).
 *
 * @since 0.1.0
 * @category transitions
 */
export const close: (phase: Phase) => Phase = internal.close

/**
 * A stop with nothing to wait for: `"stop"` (end it now, stopped), `"ended"`
 * (it has ended already) or `"busy"` (a run is in flight, or a stop under way).
 *
 * @since 0.1.0
 * @category transitions
 */
export const stopIdle: (phase: Phase, inFlight: boolean) => "stop" | "ended" | "busy" = internal.stopIdle

/**
 * `Ended`, once: an ended repeater keeps how it ended first.
 *
 * @since 0.1.0
 * @category transitions
 */
export const end: (phase: Phase, how: Ending) => Phase = internal.end

/**
 * A run ended (see `RunEnded`). `stopOnFailure`: the repeater's option
 * `onError: "stop"`; `exhausted`: its runs reached their bound.
 *
 * @since 0.1.0
 * @category transitions
 */
export const runEnded: (phase: Phase, outcome: Outcome, stopOnFailure: boolean, exhausted: boolean) => RunEnded =
  internal.runEnded

/**
 * A schedule is done: whether the repeater completes now (no run in flight,
 * no stop under way, not ended).
 *
 * @since 0.1.0
 * @category transitions
 */
export const scheduleDone: (phase: Phase, inFlight: boolean) => boolean = internal.scheduleDone

/**
 * A schedule's step failed: whether the repeater fails now (no run in flight, not ended).
 *
 * @since 0.1.0
 * @category transitions
 */
export const scheduleFailed: (phase: Phase, inFlight: boolean) => boolean = internal.scheduleFailed
