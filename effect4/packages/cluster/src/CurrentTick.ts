/**
 * The tick a cluster repeater's run stands for, in the run's context.
 *
 * @since 1.0.0
 */
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"

/**
 * @since 1.0.0
 * @category models
 */
export interface TickInfo {
  /** The repeater's name. */
  readonly name: string
  /**
   * When the tick was due: the same on whichever runner runs it, a good idempotency key. It is the instant core
   * scheduled the run for (core's `Repeater.currentTick`: a cron match, a rate-mode tick on the stored grid), or,
   * for a catch-up run, the latest missed tick.
   */
  readonly scheduledAt: DateTime.Utc
  /** The runner that runs it. */
  readonly holder: string
  /** Whether this is the one run of ticks missed while no runner held the repeater (`missed: "runOnce"`). */
  readonly catchUp: boolean
}

/**
 * The tick a run stands for.
 *
 * @example
 * ```ts
 * import { ClusterRepeater, CurrentTick } from "@effect-repeater/cluster"
 * import { DateTime, Effect } from "effect"
 *
 * const report = Effect.gen(function*() {
 *   const tick = yield* CurrentTick
 *   yield* Effect.log(`report for ${DateTime.formatIso(tick.scheduledAt)}`)
 * })
 * const Report = ClusterRepeater.layer(report, { name: "report", cron: "0 * * * *", timeZone: "UTC" })
 * ```
 *
 * @since 1.0.0
 * @category context
 */
export class CurrentTick extends Context.Service<CurrentTick, TickInfo>()("@effect-repeater/cluster/CurrentTick") {}
