/**
 * The binding of the kernel's takeover planning (`Takeover` of
 * `@effect-repeater/kernel`: where a new holder of a cluster repeater picks
 * up its schedule from the durable state, and which scheduled instant a run
 * stands for): core's timing, its cron rule described by core's
 * `CronMatches.describe`. No rule of its own.
 */
import * as CronMatches from "@effect-repeater/core/CronMatches"
import type { RepeaterTiming } from "@effect-repeater/core/RepeaterTiming"
import * as Takeover from "@effect-repeater/kernel/Takeover"

/** @internal */
export type MissedPolicy = Takeover.MissedPolicy

/** @internal */
export type PlanState = Takeover.State

/** @internal */
export type Plan = Takeover.Plan

/** Core's timing as the kernel reads it: a cron rule by its matches. */
const kernelTiming = (timing: RepeaterTiming): Takeover.Timing =>
  timing._tag === "Cron" ? { _tag: "Cron", matches: CronMatches.describe(timing.cron) } : timing

/** The first start of a repeater that has never run anywhere (`Takeover.firstStart`). @internal */
export const planFirstStart = (timing: RepeaterTiming, now: number): Plan =>
  Takeover.firstStart(kernelTiming(timing), now)

/** Where a new holder continues a schedule that has run before (`Takeover.plan`). @internal */
export const planTakeover = (timing: RepeaterTiming, state: PlanState, policy: MissedPolicy, now: number): Plan =>
  Takeover.plan(kernelTiming(timing), state, policy, now)

/** @internal */
export const onGrid = Takeover.onGrid

/** @internal */
export const skippedBetween = Takeover.skippedBetween
