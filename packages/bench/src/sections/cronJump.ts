/**
 * Cron after a step forward of the wall clock (or a run that lasts long): what counting the
 * skipped matches costs the event loop. It runs in the runner's process: a few calls of pure
 * computation, timed with `performance.now()`.
 *
 * @since 0.1.0
 */
import { CronMatches } from "@effect-repeater/core"
import * as Cron from "effect/Cron"
import { renderTable } from "../internal/markdown.js"
import { summarize } from "../internal/stats.js"
import type { Section } from "../Section.js"

const DAY = 86_400_000

interface Case {
  readonly rule: string
  readonly zone: string
  readonly span: string
  readonly millis: number
}

const cases: ReadonlyArray<Case> = [
  { rule: "* * * * * *", zone: "UTC", span: "1 day", millis: DAY },
  { rule: "* * * * * *", zone: "UTC", span: "1 year", millis: 365 * DAY },
  { rule: "* * * * * *", zone: "Europe/Paris", span: "1 year", millis: 365 * DAY },
  { rule: "* * * * *", zone: "UTC", span: "1 year", millis: 365 * DAY },
  { rule: "* * * * *", zone: "America/New_York", span: "10 years", millis: 3_652 * DAY }
]

/** What the kernel does after such a jump: a walk of at most 16 matches, then the count of the rest. */
const skipCost = (cron: Cron.Cron, from: number, millis: number): number => {
  const started = performance.now()
  const to = from + millis
  let match = Cron.next(cron, from).getTime()
  for (let walked = 0; walked < 16 && match < to; walked++) match = Cron.next(cron, match).getTime()
  CronMatches.count(cron, match, Cron.next(cron, to).getTime())
  return performance.now() - started
}

/** The walk of before, one `Cron.next` per match: its cost per match, from 10 000 matches. */
const walkCostPerMatch = (cron: Cron.Cron, from: number): number => {
  const started = performance.now()
  let match = from
  for (let i = 0; i < 10_000; i++) match = Cron.next(cron, match).getTime()
  return (performance.now() - started) / 10_000
}

const format = (ms: number): string => ms < 10 ? ms.toFixed(2) : ms.toFixed(0)

/**
 * @since 0.1.0
 * @category sections
 */
export const cronJump: Section = {
  id: "cron-jump",
  title: "Cron: counting the matches skipped by a step forward of the wall clock",
  run: ({ log, smoke }) => {
    const repeats = smoke ? 1 : 7
    const from = Date.parse("2026-01-01T00:00:00Z")
    const rows = cases.map((c) => {
      const cron = Cron.unsafeParse(c.rule, c.zone)
      // (a first call warms the code up)
      skipCost(cron, from, c.millis)
      const costs = Array.from({ length: repeats }, () => skipCost(cron, from, c.millis))
      const summary = summarize(costs)
      const matches = CronMatches.count(cron, from, from + c.millis)
      walkCostPerMatch(cron, from)
      const walked = walkCostPerMatch(cron, from) * matches
      log(`cron-jump: ${c.rule} ${c.zone} ${c.span}: ${format(summary.median)} ms (walk: ${format(walked)} ms)`)
      return [
        `\`${c.rule}\``,
        c.zone,
        c.span,
        matches.toLocaleString("en-US"),
        `${format(summary.median)} [${format(summary.min)}–${format(summary.max)}]`,
        format(walked)
      ]
    })
    return Promise.resolve(
      "The event loop's work after a cron repeater's wall clock jumps forward (or its run lasts that long): the " +
        "matches skipped are walked with `Cron.next` up to 16, the rest counted with `CronMatches.count` (day by " +
        "day; across a change of daylight saving time, as the walk meets them). Median of " +
        `${repeats} calls [min–max], in ms, in the runner's process; the last column is what walking every match ` +
        "one by one would cost (its cost per match over 10 000 matches, times the matches). Target: a year of a " +
        "per-second cron under 50 ms.\n\n" +
        renderTable(["rule", "zone", "jump", "matches skipped", "counted, ms", "walked one by one, ms"], rows)
    )
  }
}
