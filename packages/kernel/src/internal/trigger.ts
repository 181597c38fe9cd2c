import type { Trigger } from "../Trigger.js"
import { Cron } from "./triggers/cron.js"
import { EveryDelay } from "./triggers/everyDelay.js"
import { EveryRate } from "./triggers/everyRate.js"
import { Schedule } from "./triggers/schedule.js"

export const everyDelay = (every: number): Trigger<never> & { readonly every: number } => new EveryDelay(every)

export const everyRate = (every: number): Trigger<never> & { readonly every: number } => new EveryRate(every)

export const cron = (
  next: (wallMillis: number) => number,
  count: (afterWallMillis: number, beforeWallMillis: number) => number
): Trigger<never> => new Cron(next, count)

export const schedule = <F>(initial: unknown, step: (wallNow: number, state: unknown) => F): Trigger<F> =>
  new Schedule(initial, step)
