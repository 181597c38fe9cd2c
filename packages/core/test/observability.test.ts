import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import {
  Cause,
  Data,
  Effect,
  Exit,
  Fiber,
  HashMap,
  Logger,
  LogLevel,
  Metric,
  type MetricPair,
  MetricState,
  Option,
  TestClock,
  Tracer
} from "effect"

class Boom extends Data.TaggedError("Boom")<{ readonly reason: string }> {}

// -----------------------------------------------------------------------------
// helpers
// -----------------------------------------------------------------------------

/** A tracer that delegates to the current (native) one and records every span it makes. */
const recordingTracer = Effect.map(Effect.tracer, (native) => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = native.span(name, parent, context, links, startTime, kind, options)
      spans.push(span)
      return span
    },
    context: (f, fiber) => native.context(f, fiber)
  })
  return { spans, tracer }
})

const nanosToMillis = (nanos: bigint): number => Number(nanos / 1_000_000n)

/** The parts of a `Repeater.run` span the tests look at, times in virtual milliseconds. */
const spanView = (span: Tracer.Span) => ({
  name: span.name,
  repeater: span.attributes.get("repeater.name"),
  run: span.attributes.get("repeater.run"),
  start: nanosToMillis(span.status.startTime),
  end: span.status._tag === "Ended" ? nanosToMillis(span.status.endTime) : undefined,
  outcome: span.status._tag === "Ended" ? (Exit.isSuccess(span.status.exit) ? "success" : "failure") : "open"
})

const runSpans = (spans: ReadonlyArray<Tracer.Span>) => spans.filter((span) => span.name === "Repeater.run")

/** The metric pairs named `name` whose labels include all of `labels`. */
const metricPairs = (name: string, labels: Record<string, string>) =>
  Effect.map(
    Metric.snapshot,
    (pairs) =>
      pairs.filter((pair: MetricPair.MetricPair.Untyped) =>
        pair.metricKey.name === name &&
        Object.entries(labels).every(([key, value]) =>
          pair.metricKey.tags.some((tag) => tag.key === key && tag.value === value)
        )
      )
  )

/** A counter's value (a counter that was never incremented is 0). */
const counterValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) =>
    pairs.reduce((sum, pair) => {
      const state = pair.metricState
      assert.isTrue(MetricState.isCounterState(state), `${name} is a counter`)
      return MetricState.isCounterState(state) ? sum + Number(state.count) : sum
    }, 0))

const gaugeValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) => {
    assert.strictEqual(pairs.length, 1, `one ${name} gauge for ${JSON.stringify(labels)}`)
    const state = pairs[0].metricState
    assert.isTrue(MetricState.isGaugeState(state), `${name} is a gauge`)
    return MetricState.isGaugeState(state) ? Number(state.value) : NaN
  })

const histogramValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) => {
    assert.strictEqual(pairs.length, 1, `one ${name} histogram for ${JSON.stringify(labels)}`)
    const state = pairs[0].metricState
    assert.isTrue(MetricState.isHistogramState(state), `${name} is a histogram`)
    return MetricState.isHistogramState(state) ?
      { count: state.count, sum: state.sum, min: state.min, max: state.max } :
      { count: NaN, sum: NaN, min: NaN, max: NaN }
  })

const runsTotal = (repeater: string, outcome: "success" | "failure") =>
  counterValue("repeater_runs_total", { repeater, outcome })

interface LogEntry {
  readonly level: LogLevel.LogLevel
  readonly message: ReadonlyArray<unknown>
  readonly annotations: HashMap.HashMap<string, unknown>
  readonly cause: Cause.Cause<unknown>
}

const recordingLogger = () => {
  const logs: Array<LogEntry> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
    logs.push({
      level: logLevel,
      message: Array.isArray(message) ? message : [message],
      annotations,
      cause
    })
  })
  return { logs, logger }
}

const annotation = (entry: LogEntry, key: string): unknown => Option.getOrUndefined(HashMap.get(entry.annotations, key))

// -----------------------------------------------------------------------------
// spans
// -----------------------------------------------------------------------------

describe("spans", () => {
  it.scoped("each run is in a span Repeater.run with the repeater's name and run index", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      yield* Effect.withTracerScoped(tracer)
      const seen: Array<{ readonly span: string; readonly run: unknown }> = []
      const task = Effect.gen(function*() {
        const span = yield* Effect.currentSpan
        seen.push({ span: span.name, run: span.attributes.get("repeater.run") })
        yield* Effect.sleep("2 seconds")
      })
      yield* Repeater.fork(task, { name: "obs-span-runs", every: "10 seconds" })
      // runs: 0–2 s, 12–14 s, 24–26 s
      yield* TestClock.adjust("30 seconds")
      assert.deepStrictEqual(runSpans(spans).map(spanView), [
        { name: "Repeater.run", repeater: "obs-span-runs", run: 1, start: 0, end: 2_000, outcome: "success" },
        { name: "Repeater.run", repeater: "obs-span-runs", run: 2, start: 12_000, end: 14_000, outcome: "success" },
        { name: "Repeater.run", repeater: "obs-span-runs", run: 3, start: 24_000, end: 26_000, outcome: "success" }
      ])
      // the task itself runs inside its run's span
      assert.deepStrictEqual(seen, [
        { span: "Repeater.run", run: 1 },
        { span: "Repeater.run", run: 2 },
        { span: "Repeater.run", run: 3 }
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a run in flight has an open span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      yield* Effect.withTracerScoped(tracer)
      yield* Repeater.fork(Effect.sleep("5 seconds"), { name: "obs-span-open", every: "10 seconds" })
      yield* TestClock.adjust("3 seconds")
      assert.deepStrictEqual(runSpans(spans).map(spanView), [
        { name: "Repeater.run", repeater: "obs-span-open", run: 1, start: 0, end: undefined, outcome: "open" }
      ])
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(runSpans(spans).map(spanView), [
        { name: "Repeater.run", repeater: "obs-span-open", run: 1, start: 0, end: 5_000, outcome: "success" }
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("failed runs (typed failure and defect) end their span with a failure exit", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recordingTracer
      yield* Effect.withTracerScoped(tracer)
      const boom = new Boom({ reason: "disk full" })
      const defect = new Error("bug")
      let run = 0
      const task = Effect.suspend(() => {
        run++
        const outcome = run === 1 ? Effect.fail(boom) : run === 2 ? Effect.die(defect) : Effect.void
        return Effect.zipRight(Effect.sleep("1 second"), outcome)
      })
      yield* Repeater.fork(task, { name: "obs-span-failure", every: "10 seconds" })
      // runs: 0–1 s (fails), 11–12 s (dies), 22–23 s (succeeds)
      yield* TestClock.adjust("25 seconds")
      const ended = runSpans(spans)
      assert.deepStrictEqual(ended.map(spanView), [
        { name: "Repeater.run", repeater: "obs-span-failure", run: 1, start: 0, end: 1_000, outcome: "failure" },
        { name: "Repeater.run", repeater: "obs-span-failure", run: 2, start: 11_000, end: 12_000, outcome: "failure" },
        { name: "Repeater.run", repeater: "obs-span-failure", run: 3, start: 22_000, end: 23_000, outcome: "success" }
      ])
      const exits = ended.map((span) => span.status._tag === "Ended" ? Option.some(span.status.exit) : Option.none())
      const first = Option.getOrThrow(exits[0])
      const second = Option.getOrThrow(exits[1])
      assert.isTrue(
        Exit.isFailure(first) && Cause.originalError(Option.getOrUndefined(Cause.failureOption(first.cause))) === boom
      )
      assert.isTrue(
        Exit.isFailure(second) && Cause.originalError(Option.getOrUndefined(Cause.dieOption(second.cause))) === defect
      )
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// metrics (global: every test uses its own repeater names)
// -----------------------------------------------------------------------------

describe("metrics", () => {
  it.scoped("runs by outcome, run duration (failed runs included), start lag and runs in flight", () =>
    Effect.gen(function*() {
      const name = "obs-metrics-outcome"
      const durations = ["2 seconds", "3 seconds", "1 second"] as const
      let run = 0
      const task = Effect.suspend(() => {
        const index = run++
        const sleep = Effect.sleep(durations[index % durations.length])
        return index === 1 ? Effect.zipRight(sleep, Effect.fail(new Boom({ reason: "second run" }))) : sleep
      })
      yield* Repeater.fork(task, { name, every: "10 seconds" })
      // run 1: 0–2 s, run 2: 12–15 s (fails), run 3: 25–26 s, run 4 due at 36 s
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 1)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 0)
      assert.strictEqual(yield* runsTotal(name, "success"), 1)
      yield* TestClock.adjust("11 seconds")
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 1)
      yield* TestClock.adjust("17 seconds")
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 0)
      assert.strictEqual(yield* runsTotal(name, "success"), 2)
      assert.strictEqual(yield* runsTotal(name, "failure"), 1)
      assert.deepStrictEqual(yield* histogramValue("repeater_run_duration_ms", { repeater: name }), {
        count: 3,
        sum: 6_000,
        min: 1_000,
        max: 3_000
      })
      // delay mode under TestClock: every run starts exactly when it is due
      // (only count and sum: Effect's histogram reports max = Number.MIN_VALUE when every value is 0)
      const lag = yield* histogramValue("repeater_start_lag_ms", { repeater: name })
      assert.deepStrictEqual({ count: lag.count, sum: lag.sum }, { count: 3, sum: 0 })
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("metrics are tagged with the repeater's name", () =>
    Effect.gen(function*() {
      yield* Repeater.fork(Effect.sleep("1 second"), { name: "obs-metrics-tag-ok", every: "10 seconds" })
      yield* Repeater.fork(
        Effect.zipRight(Effect.sleep("2 seconds"), Effect.fail(new Boom({ reason: "always" }))),
        { name: "obs-metrics-tag-ko", every: "5 seconds" }
      )
      // ok: 0–1, 11–12, 22–23 s; ko: 0–2, 7–9, 14–16, 21–23 s
      yield* TestClock.adjust("24 seconds")
      assert.strictEqual(yield* runsTotal("obs-metrics-tag-ok", "success"), 3)
      assert.strictEqual(yield* runsTotal("obs-metrics-tag-ok", "failure"), 0)
      assert.strictEqual(yield* runsTotal("obs-metrics-tag-ko", "success"), 0)
      assert.strictEqual(yield* runsTotal("obs-metrics-tag-ko", "failure"), 4)
      assert.deepStrictEqual(yield* histogramValue("repeater_run_duration_ms", { repeater: "obs-metrics-tag-ok" }), {
        count: 3,
        sum: 3_000,
        min: 1_000,
        max: 1_000
      })
      assert.deepStrictEqual(yield* histogramValue("repeater_run_duration_ms", { repeater: "obs-metrics-tag-ko" }), {
        count: 4,
        sum: 8_000,
        min: 2_000,
        max: 2_000
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("rate mode: start lag (actual minus scheduled start) and skipped ticks", () =>
    Effect.gen(function*() {
      const name = "obs-metrics-rate"
      const starts: Array<number> = []
      const task = Effect.gen(function*() {
        const now = yield* Effect.clockWith((clock) => Effect.sync(() => clock.unsafeCurrentTimeMillis()))
        starts.push(now)
        if (starts.length === 1) yield* Effect.sleep("35 seconds")
      })
      yield* Repeater.fork(task, { name, every: "10 seconds", mode: "rate" })
      // run 1 overruns 0–35 s: ticks 10 and 20 s are skipped, tick 30 s runs at once at 35 s, then 40 s
      yield* TestClock.adjust("45 seconds")
      assert.deepStrictEqual(starts, [0, 35_000, 40_000])
      assert.strictEqual(yield* counterValue("repeater_skipped_ticks_total", { repeater: name }), 2)
      assert.deepStrictEqual(yield* histogramValue("repeater_start_lag_ms", { repeater: name }), {
        count: 3,
        sum: 5_000,
        min: 0,
        max: 5_000
      })
      assert.deepStrictEqual(yield* histogramValue("repeater_run_duration_ms", { repeater: name }), {
        count: 3,
        sum: 35_000,
        min: 0,
        max: 35_000
      })
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("an interrupted run is neither a success nor a failure, and leaves no run in flight", () =>
    Effect.gen(function*() {
      const name = "obs-metrics-interrupted"
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return run === 1 ? Effect.fail(new Boom({ reason: "first" })) : Effect.never
      })
      const handle = yield* Repeater.fork(task, { name, every: "10 seconds" })
      // run 1 fails at 0 s, run 2 starts at 10 s and never ends
      yield* TestClock.adjust("11 seconds")
      assert.strictEqual(yield* runsTotal(name, "failure"), 1)
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 1)
      const stop = yield* Effect.fork(handle.stop({ grace: "1 second" }))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(stop), "interrupted")
      assert.strictEqual(yield* runsTotal(name, "failure"), 1)
      assert.strictEqual(yield* runsTotal(name, "success"), 0)
      assert.strictEqual(yield* gaugeValue("repeater_runs_in_flight", { repeater: name }), 0)
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// logs
// -----------------------------------------------------------------------------

describe("logs", () => {
  it.scoped("logs emitted inside the task are annotated with the repeater's name and run index", () => {
    const { logger, logs } = recordingLogger()
    return Effect.gen(function*() {
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return Effect.annotateLogs(Effect.log("working"), "mine", run * 10)
      })
      yield* Repeater.fork(task, { name: "obs-logs", every: "10 seconds" })
      yield* TestClock.adjust("25 seconds")
      const working = logs.filter((entry) => entry.message[0] === "working")
      assert.deepStrictEqual(
        working.map((entry) => ({
          level: entry.level.label,
          repeater: annotation(entry, "repeater"),
          run: annotation(entry, "run"),
          mine: annotation(entry, "mine")
        })),
        [
          { level: "INFO", repeater: "obs-logs", run: 1, mine: 10 },
          { level: "INFO", repeater: "obs-logs", run: 2, mine: 20 },
          { level: "INFO", repeater: "obs-logs", run: 3, mine: 30 }
        ]
      )
    }).pipe(Effect.provide(Logger.add(logger)), Effect.provide(Repeater.layer))
  })

  it.scoped("a failed run is logged at Error level with its full Cause, annotated with name and run", () => {
    const { logger, logs } = recordingLogger()
    return Effect.gen(function*() {
      const boom = new Boom({ reason: "second run" })
      const defect = new Error("third run")
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return run === 2 ? Effect.fail(boom) : run === 3 ? Effect.die(defect) : Effect.void
      })
      yield* Repeater.fork(task, { name: "obs-logs-failure", every: "10 seconds" })
      yield* TestClock.adjust("25 seconds")
      const errors = logs.filter((entry) => entry.level._tag === LogLevel.Error._tag)
      assert.deepStrictEqual(
        errors.map((entry) => ({
          repeater: annotation(entry, "repeater"),
          run: annotation(entry, "run"),
          failure: Cause.originalError(Option.getOrUndefined(Cause.failureOption(entry.cause))),
          defect: Cause.originalError(Option.getOrUndefined(Cause.dieOption(entry.cause)))
        })),
        [
          { repeater: "obs-logs-failure", run: 2, failure: boom, defect: undefined },
          { repeater: "obs-logs-failure", run: 3, failure: undefined, defect }
        ]
      )
    }).pipe(Effect.provide(Logger.add(logger)), Effect.provide(Repeater.layer))
  })
})
