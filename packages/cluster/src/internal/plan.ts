/**
 * Pure planning: where a new holder of a cluster repeater picks up its
 * schedule from the durable state, and which scheduled instant a run stands
 * for. Times are wall-clock epoch milliseconds.
 */
import * as Cron from "effect/Cron"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"

/** @internal */
export type Trigger =
  | { readonly _tag: "Every"; readonly millis: number; readonly mode: "delay" | "rate" }
  | { readonly _tag: "Cron"; readonly cron: Cron.Cron }
  | { readonly _tag: "Schedule" }

/** @internal */
export type MissedPolicy = "skip" | "runOnce"

/** Missed cron matches are counted up to this many. @internal */
export const MISSED_COUNT_CAP = 1000

/** What a holder needs of the durable state to plan. @internal */
export interface PlanState {
  readonly lastScheduled: number | undefined
  readonly lastStarted: number | undefined
  readonly lastFinished: number | undefined
}

/** @internal */
export interface Plan {
  /**
   * The initial delay to give the in-process repeater, in milliseconds;
   * `undefined`: keep the user's own `initialDelay` / `waitFirst` (a first
   * start, or a `schedule` trigger).
   */
  readonly initialDelayMillis: number | undefined
  /** The instant of the first regular tick (rate mode anchors its grid there); NaN when unknown. */
  readonly firstDue: number
  /** With `missed: "runOnce"`: the latest missed tick, to run at once. */
  readonly catchUp: number | undefined
  /** How many ticks fell due while no runner held the repeater (cron: counted up to `MISSED_COUNT_CAP`). */
  readonly missed: number
}

/**
 * The trigger as the cluster package needs it, from options that core's
 * `Repeater.validate` has accepted.
 *
 * @internal
 */
export const triggerOf = (options: {
  readonly every?: Duration.DurationInput | undefined
  readonly mode?: "delay" | "rate" | undefined
  readonly cron?: string | undefined
  readonly timeZone?: string | undefined
}): Trigger => {
  if (options.every !== undefined) {
    return { _tag: "Every", millis: Duration.toMillis(Duration.decode(options.every)), mode: options.mode ?? "delay" }
  }
  if (options.cron !== undefined) {
    const parsed = Cron.parse(options.cron, options.timeZone ?? localTimeZone())
    if (Either.isRight(parsed)) return { _tag: "Cron", cron: parsed.right }
  }
  return { _tag: "Schedule" }
}

/** The process's named local time zone, as core uses for cron without `timeZone`. @internal */
export const localTimeZone = (): string => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  return typeof zone === "string" && zone.length > 0 ? zone : "UTC"
}

/**
 * The first start of a repeater that has never run anywhere: as its options
 * say. Rate mode still needs the instant of its first tick to name ticks.
 *
 * @internal
 */
export const planFirstStart = (trigger: Trigger, initialDelayMillis: number, now: number): Plan => ({
  initialDelayMillis: trigger._tag === "Every" ? initialDelayMillis : undefined,
  firstDue: trigger._tag === "Every" ? now + initialDelayMillis : NaN,
  catchUp: undefined,
  missed: 0
})

/**
 * Where a new holder continues a schedule that has run before: the next tick
 * after the last scheduled one. Ticks that fell due in the meantime are
 * skipped, or (`runOnce`) the latest of them is run at once.
 *
 * @internal
 */
export const planTakeover = (trigger: Trigger, state: PlanState, policy: MissedPolicy, now: number): Plan => {
  switch (trigger._tag) {
    case "Every": {
      const every = trigger.millis
      const base = trigger.mode === "rate" ?
        state.lastScheduled :
        state.lastFinished ?? state.lastStarted ?? state.lastScheduled
      if (base === undefined) return planFirstStart(trigger, 0, now)
      const due = base + every
      if (due > now) return { initialDelayMillis: due - now, firstDue: due, catchUp: undefined, missed: 0 }
      const missed = Math.floor((now - due) / every) + 1
      const latest = due + (missed - 1) * every
      const next = latest + every
      return {
        initialDelayMillis: next - now,
        firstDue: next,
        catchUp: policy === "runOnce" ? latest : undefined,
        missed
      }
    }
    case "Cron": {
      const last = state.lastScheduled
      const next = Cron.next(trigger.cron, now).getTime()
      if (last === undefined) return { initialDelayMillis: 0, firstDue: next, catchUp: undefined, missed: 0 }
      // the latest match at or before now (matches fall on whole seconds; `Cron.prev` is strictly before the
      // whole second of its input)
      const previous = Cron.prev(trigger.cron, now + 1000).getTime()
      const latest = previous > last ? previous : undefined
      let missed = 0
      // counted up to the cap only: a long outage of a frequent cron would block the runner (and its shard locks)
      if (latest !== undefined) {
        for (let match = Cron.next(trigger.cron, last).getTime(); match <= latest && missed < MISSED_COUNT_CAP;) {
          missed++
          match = Cron.next(trigger.cron, match).getTime()
        }
      }
      return {
        initialDelayMillis: 0,
        firstDue: next,
        catchUp: policy === "runOnce" ? latest : undefined,
        missed
      }
    }
    case "Schedule":
      return { initialDelayMillis: undefined, firstDue: NaN, catchUp: undefined, missed: 0 }
  }
}

/**
 * The scheduled instant a run that started at `start` stands for: the tick of
 * the rate grid anchored at `firstDue`, or the cron match, at or just before
 * `start` (runs start a little late, never early by more than `tolerance`);
 * with `every` in delay mode and with `schedule`, the start itself.
 *
 * @internal
 */
export const tickOf = (trigger: Trigger, firstDue: number, jitterMillis: number, start: number): number => {
  switch (trigger._tag) {
    case "Every": {
      if (trigger.mode === "delay" || Number.isNaN(firstDue)) return start
      const every = trigger.millis
      const tolerance = Math.min(100, Math.max(0, (every - jitterMillis) / 4))
      return firstDue + Math.floor((start + tolerance - firstDue) / every) * every
    }
    case "Cron":
      // `Cron.prev` gives the last match strictly before the whole second of its input: cron matches
      // fall on whole seconds, so this is the last match at or before `start` (+ 50 ms of tolerance)
      return Cron.prev(trigger.cron, start + 50 + 1000).getTime()
    case "Schedule":
      return start
  }
}
