import type { CronMatches, MissedPolicy, Plan, State, Timing } from "../Takeover.js"
import { firstAfter } from "./triggers/cron.js"

/** The first wait of a search from before an answer past the instant asked (`latestAtOrBefore`): an hour, doubled. */
const PAST_SEARCH_STEP = 3_600_000

/** No tick to plan: the repeater starts over with its own options. */
const ownOptions: Plan = { initialDelayMillis: undefined, firstDue: NaN, catchUp: undefined, missed: 0 }

/** @internal */
export const firstStart = (timing: Timing, now: number): Plan =>
  timing._tag === "Every" ?
    {
      initialDelayMillis: timing.initialDelayMillis,
      firstDue: now + timing.initialDelayMillis,
      catchUp: undefined,
      missed: 0
    } :
    ownOptions

/** @internal */
export const plan = (timing: Timing, state: State, policy: MissedPolicy, now: number): Plan => {
  if (timing._tag === "Every") return planEvery(timing.mode, timing.every, state, policy, now)
  if (timing._tag === "Cron") return planCron(timing.matches, state.lastScheduled, policy, now)
  // a schedule's state cannot be stored: it starts over with its own options
  return ownOptions
}

const planEvery = (
  mode: "delay" | "rate",
  every: number,
  state: State,
  policy: MissedPolicy,
  now: number
): Plan => {
  const base = mode === "rate" ?
    state.lastScheduled :
    state.lastFinished ?? state.lastStarted ?? state.lastScheduled
  if (base === undefined) return { initialDelayMillis: 0, firstDue: now, catchUp: undefined, missed: 0 }
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

const planCron = (
  matches: CronMatches,
  last: number | undefined,
  policy: MissedPolicy,
  now: number
): Plan => {
  const next = firstAfter(matches.next)
  if (last === undefined) return { initialDelayMillis: 0, firstDue: next(now), catchUp: undefined, missed: 0 }
  // a clock behind the one that claimed `last` waits for the first match after it (an earlier one would be refused)
  const from = Math.max(now, last)
  const found = latestAtOrBefore(matches, next, now, last)
  const latest = found > last ? found : undefined
  // counted on the calendar, not one by one: a long outage of a frequent cron must not block the runner
  const missed = latest === undefined ? 0 : matches.count(last, latest + 1)
  return {
    initialDelayMillis: from - now,
    firstDue: next(from),
    catchUp: policy === "runOnce" ? latest : undefined,
    missed
  }
}

/**
 * The latest match at or before `at` of the walk with `next` (never earlier than `from`, a wall
 * time the walk may start from): the binding's `latest`, searched again from earlier should it
 * answer past `at`, then walked on with `next` while its matches are at or before `at`, should it
 * answer one too far back (Effect 3's `Cron.prev` within the hour a zone's clock repeats reads it
 * an hour back, and skips a day's single match there): the walk from before the change never
 * visits the repeated hour, so neither does the latest match of it.
 */
const latestAtOrBefore = (
  matches: CronMatches,
  next: (wallMillis: number) => number,
  at: number,
  from: number
): number => {
  let match = matches.latest(at)
  let step = PAST_SEARCH_STEP
  while (match > at) {
    match = matches.latest(at - step)
    step *= 2
  }
  match = Math.max(match, from)
  for (let following = next(match); following <= at; following = next(following)) match = following
  return match
}

/** @internal */
export const onGrid = (firstDue: number, every: number, tick: number): number =>
  firstDue + Math.round((tick - firstDue) / every) * every

/** @internal */
export const skippedBetween = (
  previous: number,
  tick: number,
  every: number
): { readonly count: number; readonly from: number } | undefined => {
  const count = Math.round((tick - previous) / every) - 1
  return count > 0 ? { count, from: previous + every } : undefined
}
