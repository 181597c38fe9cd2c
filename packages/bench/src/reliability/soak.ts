/**
 * The soak: `node --expose-gc soak.mjs '<json SoakParameters>'`. Runs many repeaters of every trigger in one
 * `Repeater` service for a while, some failing, some timing out, some paused and resumed, checks every tick as it is
 * reported, samples the heap, and prints one JSON line of `SoakFigures`.
 *
 * The repeaters, by index i: the trigger is i mod 3 (`every` in rate mode, `every` in delay mode, `cron` with
 * seconds), the period ⌊i/3⌋ mod 3 (10 s, 20 s or 30 s; cron every 10th, 20th or 30th second), the behaviour ⌊i/9⌋ mod 10:
 * 0 fails every run, 1 has a 100 ms timeout and sleeps 250 ms every second run, 2 is paused and resumed by the
 * driver (a fifth of them at a time, for 4 s, every 5 s), the others succeed at once. `every` repeaters start at a
 * fixed offset within their period so that their ticks spread; cron ones fire together on their seconds.
 *
 * Each tick is checked as the service reports it (`Repeater.events`) against the repeater's contract:
 * - rate: the grid t0 + k·every; delay: the previous run's end + every; cron: every match of the expression;
 * - a tick whose scheduled instant is started again, or a run index the repeated effect sees twice: doubled;
 * - an expected tick passed over (the next run is scheduled later than it), not covered by a `TickSkipped` report
 *   and not due while its repeater was paused (`resume` drops those by contract): lost; so is, at the end, every
 *   expected tick more than 5 s overdue.
 */
import { Repeater } from "@effect-repeater/core"
import type { RepeaterEvent } from "@effect-repeater/core/RepeaterEvent"
import type { RepeaterHandle } from "@effect-repeater/core/RepeaterHandle"
import { Cron } from "croner"
import * as Cause from "effect/Cause"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as HashMap from "effect/HashMap"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { SoakFigures, SoakMinute, SoakParameters } from "./soakProtocol.js"

const gcFunction = (globalThis as { gc?: () => void }).gc
if (gcFunction === undefined) throw new Error("run with node --expose-gc")
const gc = gcFunction

type Kind = "rate" | "delay" | "cron"
const kinds: ReadonlyArray<Kind> = ["rate", "delay", "cron"]
const periods = [10_000, 20_000, 30_000]
const crons = ["*/10 * * * * *", "*/20 * * * * *", "*/30 * * * * *"]
/** One parsed expression per period, shared by the checker's repeaters (a croner `Cron` takes some 80 KB). */
const parsedCrons = crons.map((pattern) => new Cron(pattern, { paused: true }))

const isTimeout = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "_tag" in error && error._tag === "RepeaterTimeoutError"

/** What the checker knows of one repeater. */
interface Tracked {
  readonly name: string
  readonly kind: Kind
  readonly everyMs: number
  readonly cron: Cron | undefined
  readonly pausable: boolean
  handle: RepeaterHandle<unknown> | undefined
  /** The scheduled instant of the next tick the contract expects; undefined while a run is in flight. */
  expected: number | undefined
  lastScheduled: number
  lastExecutedRun: number
  inFlightSince: number | undefined
  /** Ticks reported skipped: [first, last] scheduled instants. */
  covered: Array<readonly [number, number]>
  pausedAt: number | undefined
  resumedAt: number | undefined
  stopped: boolean
}

const iso = (t: number): string => Number.isFinite(t) ? new Date(t).toISOString() : String(t)

const anomalies: Array<string> = []
const note = (text: string) => {
  if (anomalies.length < 20) anomalies.push(text)
}

let lost = 0
let doubled = 0
let runsStarted = 0
let executions = 0
let failedRuns = 0
let timedOutRuns = 0
let skippedTicks = 0
let errorLogs = 0
let pauses = 0
let startedWhilePaused = 0
let stoppedCount = 0
let checkerErrors = 0

/** The contract's tick after `t` (rate and delay: t + every; cron: the next match). */
const nextTick = (r: Tracked, t: number): number =>
  r.cron === undefined ? t + r.everyMs : r.cron.nextRun(new Date(t))?.getTime() ?? Number.POSITIVE_INFINITY

/** The expected ticks in [from, until) that were not reported skipped: lost. */
const countLost = (r: Tracked, from: number, until: number, why: string): void => {
  if (!Number.isFinite(from)) return
  let t = from
  let n = 0
  for (let i = 0; i < 10_000 && t < until; i++, t = nextTick(r, t)) {
    if (!r.covered.some(([a, b]) => t >= a && t <= b)) {
      n++
      if (n === 1) note(`${r.name}: tick ${iso(t)} lost (${why})`)
    }
  }
  lost += n
}

/** How late a later tick may be scheduled before the expected one counts as passed over. */
const slack = (r: Tracked): number => r.kind === "cron" ? 500 : r.everyMs / 2

// lateness: 1 ms buckets up to 60 s, per minute
const buckets = new Uint32Array(60_001)
let bucketCount = 0
let bucketMax = 0
const minutes: Array<SoakMinute> = []

const recordLateness = (ms: number) => {
  const bucket = Math.max(0, Math.min(60_000, Math.round(ms)))
  buckets[bucket]!++
  bucketCount++
  if (ms > bucketMax) bucketMax = ms
}

const bucketPercentile = (p: number): number => {
  if (bucketCount === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * bucketCount)
  let seen = 0
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!
    if (seen >= rank) return i
  }
  return 60_000
}

const closeMinute = () => {
  minutes.push({
    minute: minutes.length + 1,
    runs: bucketCount,
    latenessP50: bucketPercentile(50),
    latenessP99: bucketPercentile(99),
    latenessMax: bucketMax
  })
  buckets.fill(0)
  bucketCount = 0
  bucketMax = 0
}

const onEvent = (tracked: Map<string, Tracked>) => (event: RepeaterEvent): void => {
  const r = tracked.get(event.name)
  if (r === undefined) return
  switch (event._tag) {
    case "RunStarted": {
      runsStarted++
      const scheduledAt = DateTime.toEpochMillis(event.scheduledAt)
      const startedAt = DateTime.toEpochMillis(event.startedAt)
      recordLateness(startedAt - scheduledAt)
      if (r.pausedAt !== undefined && r.resumedAt === undefined && startedAt > r.pausedAt + 50) startedWhilePaused++
      if (scheduledAt <= r.lastScheduled) {
        doubled++
        note(`${r.name}: tick ${iso(scheduledAt)} started again`)
      } else if (r.resumedAt !== undefined && r.pausedAt !== undefined && scheduledAt >= r.pausedAt) {
        // the first run after a resume: the ticks due while paused are dropped by contract; those after it are not
        if (r.kind === "cron") {
          countLost(r, nextTick(r, r.resumedAt), scheduledAt - slack(r), "after a resume")
        } else if (scheduledAt - r.resumedAt > r.everyMs + 50) {
          countLost(r, r.resumedAt + r.everyMs, scheduledAt - slack(r), "after a resume")
        }
        r.pausedAt = undefined
        r.resumedAt = undefined
      } else if (r.expected !== undefined && scheduledAt > r.expected + slack(r)) {
        countLost(
          r,
          r.expected,
          scheduledAt - slack(r),
          `passed over: the next run was scheduled at ${iso(scheduledAt)}, started at ${
            iso(startedAt)
          }, the previous one at ${iso(r.lastScheduled)}`
        )
      }
      r.lastScheduled = Math.max(r.lastScheduled, scheduledAt)
      r.expected = undefined
      r.inFlightSince = startedAt
      return
    }
    case "RunSucceeded":
    case "RunFailed": {
      if (event._tag === "RunFailed") {
        failedRuns++
        const failure = Cause.failureOption(event.cause)
        if (Option.isSome(failure) && isTimeout(failure.value)) timedOutRuns++
      }
      const end = DateTime.toEpochMillis(event.startedAt) + Duration.toMillis(event.duration)
      r.inFlightSince = undefined
      // (undefined when the run's start was not reported: the counts of executions and reports then differ)
      r.expected = r.kind === "delay" ?
        end + r.everyMs :
        Number.isFinite(r.lastScheduled) ?
        nextTick(r, r.lastScheduled) :
        undefined
      // reports older than the latest skip are of no use any more
      r.covered = r.covered.filter(([, b]) => b >= r.lastScheduled)
      return
    }
    case "Stopped":
    case "Completed":
    case "Failed": {
      stoppedCount++
      r.stopped = true
      return
    }
    case "TickSkipped": {
      skippedTicks += event.count
      const first = DateTime.toEpochMillis(event.scheduledAt)
      let last = first
      for (let i = 1; i < event.count && i < 100_000; i++) last = nextTick(r, last)
      r.covered.push([first, last])
      return
    }
    default:
      return
  }
}

/**
 * The ticks each repeater must still start after the window closed at `now`: its expected tick, when that was more
 * than 5 s overdue. They are given a minute (a loaded machine runs late) before they count as lost.
 */
const overdueAt = (tracked: Map<string, Tracked>, now: number): Map<Tracked, number> => {
  const overdue = new Map<Tracked, number>()
  for (const r of tracked.values()) {
    if (r.pausedAt !== undefined || r.inFlightSince !== undefined) continue
    if (r.expected !== undefined && r.expected < now - 5000) overdue.set(r, r.expected)
  }
  return overdue
}

/** Whether every overdue tick has started (or was passed over, and counted lost, meanwhile). */
const caughtUp = (overdue: Map<Tracked, number>): boolean => {
  for (const [r, tick] of overdue) {
    if (r.lastScheduled < tick) return false
  }
  return true
}

/** The overdue ticks that have not started a minute later: lost; runs in flight since before `now` - 5 s: stuck. */
const checkOverdue = (tracked: Map<string, Tracked>, overdue: Map<Tracked, number>, now: number): number => {
  for (const [r, tick] of overdue) {
    if (r.lastScheduled < tick) {
      countLost(r, tick, tick + 1, "more than 5 s overdue when the window closed, not run a minute later")
    }
  }
  let stuck = 0
  for (const r of tracked.values()) {
    if (r.inFlightSince !== undefined && r.inFlightSince < now - 5000 && r.lastScheduled < now) {
      stuck++
      note(`${r.name}: a run in flight since ${iso(r.inFlightSince)}`)
    }
  }
  return stuck
}

const slope = (points: ReadonlyArray<readonly [number, number]>): number => {
  const n = points.length
  if (n < 2) return Number.NaN
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  return sxx === 0 ? Number.NaN : (sxy / sxx) * 60 // per second → per minute
}

const CountingLogger = Logger.make(({ logLevel }) => {
  if (LogLevel.greaterThanEqual(logLevel, LogLevel.Error)) errorLogs++
})

const soak = (p: SoakParameters) =>
  Effect.gen(function*() {
    const tracked = new Map<string, Tracked>()
    const service = yield* Repeater.Repeater
    const check = onEvent(tracked)
    yield* Effect.forkScoped(Stream.runForEach(service.events, (event) =>
      Effect.sync(() => {
        try {
          check(event)
        } catch (error) {
          checkerErrors++
          note(`the checker failed on ${event._tag} of ${event.name}: ${String(error)}`)
        }
      })))
    yield* Effect.yieldNow()
    const repeaters = yield* Scope.make()
    const start = Date.now()
    const cpu0 = process.cpuUsage()
    const runIndex = Effect.map(
      FiberRef.get(FiberRef.currentLogAnnotations),
      (annotations) => Option.getOrElse(HashMap.get(annotations, "run"), () => 0)
    )
    for (let i = 0; i < p.repeaters; i++) {
      const kind = kinds[i % 3]!
      const period = Math.floor(i / 3) % 3
      const behaviour = Math.floor(i / 9) % 10
      const name = `soak-${i}`
      const everyMs = periods[period]!
      const cron = kind === "cron" ? parsedCrons[period] : undefined
      // spread over the period (every), or the expression's first match (cron)
      const offset = (i * 7919) % everyMs
      const r: Tracked = {
        name,
        kind,
        everyMs,
        cron,
        pausable: behaviour === 2,
        handle: undefined,
        // (the first tick is planned from the fork, a few ms to a few s after the start under load)
        // (cron: set after the fork, whose own start may fall after a match)
        expected: cron === undefined ? Date.now() + offset : undefined,
        lastScheduled: Number.NEGATIVE_INFINITY,
        lastExecutedRun: 0,
        inFlightSince: undefined,
        covered: [],
        pausedAt: undefined,
        resumedAt: undefined,
        stopped: false
      }
      tracked.set(name, r)
      const seen = Effect.flatMap(runIndex, (run) =>
        Effect.sync(() => {
          executions++
          if (typeof run === "number") {
            if (run <= r.lastExecutedRun) {
              doubled++
              note(`${name}: run ${run} executed again`)
            }
            r.lastExecutedRun = Math.max(r.lastExecutedRun, run)
          }
          return run
        }))
      const task: Effect.Effect<void, string> = behaviour === 0 ?
        Effect.zipRight(seen, Effect.fail("the task failed (on purpose)")) :
        behaviour === 1 ?
        Effect.flatMap(seen, (run) =>
          typeof run === "number" && run % 2 === 0 ? Effect.sleep("250 millis") : Effect.void) :
        Effect.asVoid(seen)
      const common = { name, ...(behaviour === 1 ? { timeout: "100 millis" as const } : {}) }
      const handle = yield* Scope.extend(repeaters)(Repeater.fork(
        task,
        kind === "cron" ?
          { ...common, cron: crons[period]! } :
          { ...common, every: Duration.millis(everyMs), mode: kind, initialDelay: Duration.millis(offset) }
      ))
      if (behaviour === 2) {
        r.handle = handle
      }
      if (cron !== undefined && r.lastScheduled === Number.NEGATIVE_INFINITY) {
        r.expected = cron.nextRun(new Date())?.getTime()
      }
    }
    const pausable = [...tracked.values()].filter((r) =>
      r.pausable
    )
    // the driver: every 5 s, a fifth of the pausable repeaters are paused for 4 s
    const driver = yield* Effect.fork(Effect.forever(Effect.gen(function*() {
      for (let round = 0;; round++) {
        const group = pausable.filter((_, k) => k % 5 === round % 5)
        for (const r of group) {
          r.pausedAt = Date.now()
          r.resumedAt = undefined
          yield* r.handle!.pause
          pauses++
        }
        yield* Effect.sleep("4 seconds")
        for (const r of group) {
          yield* r.handle!.resume
          r.resumedAt = Date.now()
        }
        yield* Effect.sleep("1 second")
      }
    })))
    // minutes and heap samples
    const heap: Array<readonly [number, number]> = []
    let nextMinute = start + 60_000
    let nextHeap = start + p.heapEveryMs
    const end = start + p.durationMs
    while (Date.now() < end) {
      yield* Effect.sleep(Duration.millis(Math.max(1, Math.min(nextMinute, nextHeap, end) - Date.now())))
      const now = Date.now()
      if (now >= nextMinute) {
        closeMinute()
        nextMinute += 60_000
      }
      if (now >= nextHeap && now < end) {
        gc()
        gc()
        heap.push([Math.round((Date.now() - start) / 1000), process.memoryUsage().heapUsed])
        nextHeap += p.heapEveryMs
      }
    }
    if (bucketCount > 0) closeMinute()
    yield* Fiber.interrupt(driver)
    // a resume interrupted halfway leaves some paused: resume them all
    for (const r of pausable) {
      if (r.pausedAt !== undefined && r.resumedAt === undefined) {
        yield* r.handle!.resume
        r.resumedAt = Date.now()
      }
    }
    const cpu = process.cpuUsage(cpu0)
    const checkedAt = Date.now()
    const elapsed = checkedAt - start
    // the ticks overdue when the window closed get a minute to start
    const overdue = overdueAt(tracked, checkedAt)
    const catchUpUntil = Date.now() + 60_000
    while (!caughtUp(overdue) && Date.now() < catchUpUntil) yield* Effect.sleep("100 millis")
    const stuck = checkOverdue(tracked, overdue, checkedAt)
    // every repeater is stopped, and every report up to its stop is read, before the counts are compared
    yield* Scope.close(repeaters, Exit.void)
    const drainUntil = Date.now() + 120_000
    while (stoppedCount < p.repeaters && Date.now() < drainUntil) yield* Effect.sleep("100 millis")
    if (stoppedCount < p.repeaters) note(`only ${stoppedCount} of ${p.repeaters} stops reported`)
    const settled = heap.filter(([s]) => s * 1000 >= p.warmUpMs)
    const figures: SoakFigures = {
      repeaters: p.repeaters,
      durationMs: elapsed,
      kinds: {
        rate: [...tracked.values()].filter((r) => r.kind === "rate").length,
        delay: [...tracked.values()].filter((r) => r.kind === "delay").length,
        cron: [...tracked.values()].filter((r) => r.kind === "cron").length
      },
      runsStarted,
      executions,
      failedRuns,
      timedOutRuns,
      errorLogs,
      skippedTicks,
      pauses,
      lost: lost + stuck + checkerErrors,
      doubled,
      startedWhilePaused,
      anomalies,
      minutes,
      heap,
      heapSlopeBytesPerMinute: slope(settled),
      cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100
    }
    return figures
  })

const parameters: SoakParameters = JSON.parse(process.argv[2] ?? "{}")
const program = soak(parameters).pipe(
  Effect.scoped,
  Effect.provide(Repeater.layerWith({ eventBufferSize: 65536, defaultGrace: "1 second" })),
  Effect.provide(Logger.replace(Logger.defaultLogger, CountingLogger))
)
Effect.runPromise(program).then(
  (figures) => {
    process.stdout.write(`${JSON.stringify(figures)}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
    process.exit(1)
  }
)
