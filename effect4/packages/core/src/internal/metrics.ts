import type * as Context from "effect/Context"
import { constVoid } from "effect/Function"
import * as Metric from "effect/Metric"

const boundaries = Metric.exponentialBoundaries({ start: 1, factor: 2, count: 24 })

type Attributes = Readonly<Record<string, string>>

const runsTotalOf = (attributes?: Attributes) =>
  Metric.counter("repeater_runs_total", {
    description: "Finished runs of a repeater, tagged by outcome (success, failure, interrupted)",
    incremental: true,
    attributes
  })

const runDurationOf = (attributes?: Attributes) =>
  Metric.histogram("repeater_run_duration_ms", {
    boundaries,
    description: "Duration of each run in milliseconds, failed and interrupted runs included",
    attributes
  })

const startLagOf = (attributes?: Attributes) =>
  Metric.histogram("repeater_start_lag_ms", {
    boundaries,
    description: "Actual start minus scheduled start of each run, in milliseconds",
    attributes
  })

const skippedTicksOf = (attributes?: Attributes) =>
  Metric.counter("repeater_skipped_ticks_total", {
    description: "Scheduled ticks that were skipped because a run was still in flight",
    incremental: true,
    attributes
  })

const runsInFlightOf = (attributes?: Attributes) =>
  Metric.gauge("repeater_runs_in_flight", { description: "Runs of a repeater in flight (0 or 1)", attributes })

/** @internal */
export const runsTotal = runsTotalOf()

/** @internal */
export const runDuration = runDurationOf()

/** @internal */
export const startLag = startLagOf()

/** @internal */
export const skippedTicks = skippedTicksOf()

/** @internal */
export const runsInFlight = runsInFlightOf()

/** @internal */
export type Outcome = "success" | "failure" | "interrupted"

/**
 * The attribute value under which the runs of repeaters past the service's `metricSeriesLimit` are counted.
 *
 * @internal
 */
export const OTHER_REPEATERS = "(other)"

/**
 * One series counted here, in plain fields, and read by the registry when it is
 * read (`Metric.registerUnsafe`) instead of updated through it: an update
 * looks its series up in the registry of the context each time, which was a
 * fifth of what a run cost. The series is registered on its first count, so
 * that the registry holds the series a run has touched, as updates would have
 * made them, and it starts from what the registry holds then for the same
 * metric and attributes (another service's repeater of that name, say), so
 * that counts add up as updates would.
 */
abstract class ReadSeries<S> {
  private registered = false
  constructor(
    private readonly metric: Metric.Metric<number, S>,
    private readonly context: Context.Context<never>
  ) {}

  protected abstract state(): S
  protected abstract startFrom(state: S): void

  protected register(): void {
    if (this.registered) return
    this.registered = true
    this.startFrom(this.metric.valueUnsafe(this.context))
    Metric.registerUnsafe(this.metric, this.context, { get: () => this.state(), update: constVoid, modify: constVoid })
  }
}

class CounterSeries extends ReadSeries<Metric.CounterState<number>> {
  private count = 0
  private incremental = true

  add(count: number): void {
    this.register()
    this.count += count
  }

  protected state(): Metric.CounterState<number> {
    return { count: this.count, incremental: this.incremental }
  }

  protected startFrom(state: Metric.CounterState<number>): void {
    this.count = state.count
    this.incremental = state.incremental
  }
}

class GaugeSeries extends ReadSeries<Metric.GaugeState<number>> {
  private value = 0

  set(value: number): void {
    this.register()
    this.value = value
  }

  protected state(): Metric.GaugeState<number> {
    return { value: this.value }
  }

  /** A gauge is what it is set to: what another holder set it to is not added to. */
  protected startFrom(): void {}
}

/** Effect's histogram (`Metric.histogram`): a value is counted in the first bucket whose boundary is at least it. */
class HistogramSeries extends ReadSeries<Metric.HistogramState> {
  private boundaries: Array<number> = []
  private counts: Array<number> = []
  private count = 0
  private sum = 0
  private min = 0
  private max = 0

  observe(value: number): void {
    this.register()
    const boundaries = this.boundaries
    let from = 0
    let to = boundaries.length
    while (from < to) {
      const mid = (from + to) >>> 1
      if (value <= boundaries[mid]!) to = mid
      else from = mid + 1
    }
    if (from < boundaries.length) this.counts[from]!++
    this.count++
    this.sum += value
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
  }

  protected state(): Metric.HistogramState {
    let cumulated = 0
    const buckets = this.boundaries.map((boundary, i): [number, number] => [boundary, cumulated += this.counts[i]!])
    return { buckets, count: this.count, sum: this.sum, min: this.min, max: this.max }
  }

  protected startFrom(state: Metric.HistogramState): void {
    let previous = 0
    this.boundaries = state.buckets.map((bucket) => bucket[0])
    this.counts = state.buckets.map((bucket) => {
      const inBucket = bucket[1] - previous
      previous = bucket[1]
      return inBucket
    })
    this.count = state.count
    this.sum = state.sum
    this.min = state.min
    this.max = state.max
  }
}

/**
 * The metrics of the repeaters of one attribute value (a repeater's name, or
 * `OTHER_REPEATERS` for all those past the limit). Made on a first run, so
 * that idle repeaters cost nothing here. The registry is the one of the
 * context the first of them was forked in.
 *
 * Each series is counted here and read by the registry (see `ReadSeries`): a
 * run costs no registry lookup. A series removed from the registry by its
 * owner (`Metric.remove`) is not made again by later runs.
 *
 * @internal
 */
export class RepeaterMetrics {
  private readonly success: CounterSeries
  private readonly failure: CounterSeries
  private readonly interrupted: CounterSeries
  private readonly duration: HistogramSeries
  private readonly lag: HistogramSeries
  private readonly skipped: CounterSeries
  private readonly inFlight: GaugeSeries
  /** Runs in flight under this attribute value: 0 or 1 for one repeater, any number for `OTHER_REPEATERS`. */
  private running = 0

  constructor(name: string, context: Context.Context<never>) {
    const tags = { repeater: name }
    this.success = new CounterSeries(runsTotalOf({ ...tags, outcome: "success" }), context)
    this.failure = new CounterSeries(runsTotalOf({ ...tags, outcome: "failure" }), context)
    this.interrupted = new CounterSeries(runsTotalOf({ ...tags, outcome: "interrupted" }), context)
    this.duration = new HistogramSeries(runDurationOf(tags), context)
    this.lag = new HistogramSeries(startLagOf(tags), context)
    this.skipped = new CounterSeries(skippedTicksOf(tags), context)
    this.inFlight = new GaugeSeries(runsInFlightOf(tags), context)
  }

  started(lagMillis: number): void {
    this.lag.observe(Math.max(0, lagMillis))
    this.inFlight.set(++this.running)
  }

  finished(outcome: Outcome, durationMillis: number): void {
    this.inFlight.set(--this.running)
    this.duration.observe(durationMillis)
    const counter = outcome === "success" ? this.success : outcome === "failure" ? this.failure : this.interrupted
    counter.add(1)
  }

  skippedTicks(count: number): void {
    this.skipped.add(count)
  }
}

/**
 * The metrics of a service's repeaters: a series of their own for the first
 * `limit` names that run, one shared series under `OTHER_REPEATERS` for the
 * others, so that the number of series stays bounded however many names come
 * and go. A name keeps its series when its repeater ends (the registry keeps
 * every series it made), and a later repeater of that name adds to it.
 *
 * @internal
 */
export class MetricSeries {
  private readonly byName = new Map<string, RepeaterMetrics>()
  private other: RepeaterMetrics | undefined = undefined

  constructor(private readonly limit: number) {}

  /** The metrics of a repeater's runs; `context` (the repeater's) holds the registry of a series made now. */
  of(name: string, context: Context.Context<never>): RepeaterMetrics {
    const own = this.byName.get(name)
    if (own !== undefined) return own
    if (this.byName.size < this.limit) {
      const made = new RepeaterMetrics(name, context)
      this.byName.set(name, made)
      return made
    }
    return this.other ??= new RepeaterMetrics(OTHER_REPEATERS, context)
  }
}
