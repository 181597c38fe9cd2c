/**
 * When a repeater runs, as core reads it from its options: the kernel's
 * trigger and the delay of its first run, decoded in one place. Packages
 * that plan runs themselves (the cluster's durable schedules) start from it
 * instead of reading `every`, `cron`, `timeZone`, `schedule`, `initialDelay`
 * and `waitFirst` again.
 *
 * @since 1.0.0
 */
import type * as Trigger from "@effect-repeater/kernel/Trigger"
import type * as Cron from "effect/Cron"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Pull from "effect/Pull"
import type * as Schedule from "effect/Schedule"
import * as internal from "./internal/timing.js"
import type { RepeaterOptions } from "./Repeater.js"
import type { RepeaterConfigError } from "./RepeaterError.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * A step of a `schedule` repeater's trigger: the schedule's step function
 * (made by `Schedule.toStep`, it holds the schedule's state) and the wall time
 * its next run starts at, `undefined` when the schedule is done. The kernel's
 * trigger asks for it (`Trigger.Step`); its runner runs it.
 *
 * @since 1.0.0
 * @category models
 */
export type ScheduleStep = Effect.Effect<
  readonly [
    (now: number, input: unknown) => Pull.Pull<[unknown, Duration.Duration], unknown, unknown>,
    number | undefined
  ]
>

/**
 * When a repeater runs: one of `EveryTiming`, `CronTiming` and
 * `ScheduleTiming`, by the trigger its options give.
 *
 * Its first run follows `trigger.first(cell, now, wallNow, initialDelayMillis)`:
 * `every` runs after `initialDelayMillis` (one period with `waitFirst`),
 * `cron` at its first match after `initialDelayMillis`, a `schedule` after
 * `initialDelayMillis`, or, when that is `undefined` (`waitFirst`), after its
 * first step.
 *
 * @since 1.0.0
 * @category models
 */
export type RepeaterTiming = EveryTiming | CronTiming | ScheduleTiming

/**
 * Every `every` milliseconds: `"delay"` between the end of a run and the
 * start of the next, `"rate"` on a fixed grid from the first run.
 *
 * @since 1.0.0
 * @category models
 */
export interface EveryTiming {
  readonly _tag: "Every"
  /** The kernel's `everyDelay` or `everyRate` trigger. */
  readonly trigger: Trigger.Trigger<ScheduleStep>
  readonly mode: "delay" | "rate"
  /** The period, in milliseconds. */
  readonly every: number
  /** The delay of the first run, in milliseconds: `initialDelay`, `every` with `waitFirst`, else 0. */
  readonly initialDelayMillis: number
}

/**
 * At the matches of a cron expression, in its time zone (`timeZone`, or the
 * process's named local zone).
 *
 * @since 1.0.0
 * @category models
 */
export interface CronTiming {
  readonly _tag: "Cron"
  /** The kernel's `cron` trigger, on `Cron.next` of `cron`. */
  readonly trigger: Trigger.Trigger<ScheduleStep>
  /** The parsed expression, with its time zone. */
  readonly cron: Cron.Cron
  /** The first run is at the first match after this delay, in milliseconds (`initialDelay`, else 0). */
  readonly initialDelayMillis: number
}

/**
 * When an Effect `Schedule` says.
 *
 * @since 1.0.0
 * @category models
 */
export interface ScheduleTiming {
  readonly _tag: "Schedule"
  /** The kernel's `schedule` trigger, stepping `schedule` with the input `undefined`. */
  readonly trigger: Trigger.Trigger<ScheduleStep>
  readonly schedule: Schedule.Schedule<unknown, unknown, unknown>
  /** The delay of the first run, in milliseconds; `undefined` (`waitFirst`): the schedule's first step decides. */
  readonly initialDelayMillis: number | undefined
}

// -----------------------------------------------------------------------------
// constructors
// -----------------------------------------------------------------------------

/**
 * Checks a repeater's options as `Repeater.validate` does (failing with the
 * same `RepeaterConfigError`) and returns when it runs, read exactly as
 * `Repeater.fork` reads it.
 *
 * @example
 * ```ts
 * import { RepeaterTiming } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const timing = yield* RepeaterTiming.decode({ name: "report", every: "1 hour", mode: "rate", waitFirst: true })
 *   if (timing._tag === "Every") {
 *     // "rate" 3600000 3600000
 *     console.log(timing.mode, timing.every, timing.initialDelayMillis)
 *   }
 * })
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const decode: <E>(options: RepeaterOptions<E>) => Effect.Effect<RepeaterTiming, RepeaterConfigError> =
  internal.decode
