import * as Context from "effect/Context"
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
 * fifth of what a run cost. Its metric is made and registered on its first
 * count, so that the registry holds the series runs have touched, as updates
 * would have made them.
 */
abstract class ReadSeries<S> {
  private registered = false
  constructor(
    private readonly metric: (attributes: Attributes) => Metric.Metric<number, S>,
    private readonly attributes: Attributes,
    private readonly context: Context.Context<never>
  ) {}

  protected abstract state(): S

  protected register(): void {
    if (this.registered) return
    this.registered = true
    Metric.registerUnsafe(this.metric(this.attributes), this.context, {
      get: () => this.state(),
      update: constVoid,
      modify: constVoid
    })
  }
}

class CounterSeries extends ReadSeries<Metric.CounterState<number>> {
  private count = 0

  add(count: number): void {
    this.register()
    this.count += count
  }

  protected state(): Metric.CounterState<number> {
    return { count: this.count, incremental: true }
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
}

/** What an Effect histogram of `boundaries` holds before its first value, as Effect makes it. */
const emptyHistogram: Metric.HistogramState = runDurationOf().valueUnsafe(
  Context.make(Metric.MetricRegistry, new Map())
)

/** As Effect's histogram counts: a value is counted in the first bucket whose boundary is at least it. */
class HistogramSeries extends ReadSeries<Metric.HistogramState> {
  private readonly counts: Array<number> = emptyHistogram.buckets.map(() => 0)
  private count = emptyHistogram.count
  private sum = emptyHistogram.sum
  private min = emptyHistogram.min
  private max = emptyHistogram.max

  observe(value: number): void {
    this.register()
    const buckets = emptyHistogram.buckets
    let from = 0
    let to = buckets.length
    while (from < to) {
      const mid = (from + to) >>> 1
      if (value <= buckets[mid]![0]) to = mid
      else from = mid + 1
    }
    if (from < buckets.length) this.counts[from]!++
    this.count++
    this.sum += value
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
  }

  protected state(): Metric.HistogramState {
    let cumulated = 0
    const buckets = emptyHistogram.buckets.map((bucket, i): [number, number] => [
      bucket[0],
      cumulated += this.counts[i]!
    ])
    return { buckets, count: this.count, sum: this.sum, min: this.min, max: this.max }
  }
}

/**
 * The metrics of the repeaters of one attribute value (a repeater's name, or
 * `OTHER_REPEATERS` for all those past the limit) in one metric registry,
 * whichever service they belong to (see `MetricSeries`). Made on a first run,
 * so that idle repeaters cost nothing here, in the context of that run's
 * repeater (for the registry and the attributes of the context).
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
    this.success = new CounterSeries(runsTotalOf, { ...tags, outcome: "success" }, context)
    this.failure = new CounterSeries(runsTotalOf, { ...tags, outcome: "failure" }, context)
    this.interrupted = new CounterSeries(runsTotalOf, { ...tags, outcome: "interrupted" }, context)
    this.duration = new HistogramSeries(runDurationOf, tags, context)
    this.lag = new HistogramSeries(startLagOf, tags, context)
    this.skipped = new CounterSeries(skippedTicksOf, tags, context)
    this.inFlight = new GaugeSeries(runsInFlightOf, tags, context)
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
 * The `RepeaterMetrics` of each attribute value, by metric registry: the
 * services of one registry count a name's runs in one place, so that a
 * repeater of a service made later adds to the series an earlier service's
 * repeater of that name left (as updates would), and a series is registered
 * once. Held as long as the registry is, which holds them anyway (its series
 * read them).
 */
const byRegistry = new WeakMap<Map<string, unknown>, Map<string, RepeaterMetrics>>()

const metricsOf = (name: string, context: Context.Context<never>): RepeaterMetrics => {
  const registry = Context.get(context, Metric.MetricRegistry)
  let metrics = byRegistry.get(registry)
  if (metrics === undefined) byRegistry.set(registry, metrics = new Map())
  let made = metrics.get(name)
  if (made === undefined) metrics.set(name, made = new RepeaterMetrics(name, context))
  return made
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
      const made = metricsOf(name, context)
      this.byName.set(name, made)
      return made
    }
    return this.other ??= metricsOf(OTHER_REPEATERS, context)
  }
}
