import * as Context from "effect/Context"
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
 * The metrics of the repeaters of one attribute value (a repeater's name, or
 * `OTHER_REPEATERS` for all those past the limit). Made on a first run, so
 * that idle repeaters cost nothing here. The registry is the one of the
 * context the first of them was forked in.
 *
 * Each repeater has metric values of its own, its name among their
 * attributes (rather than `Metric.withAttributes` on shared ones): a metric
 * keeps the key of its series for the last attributes it was updated with,
 * and computes it again when they change, as they would from one repeater's
 * update to another's.
 *
 * @internal
 */
export class RepeaterMetrics {
  private readonly success: Metric.Counter<number>
  private readonly failure: Metric.Counter<number>
  private readonly interrupted: Metric.Counter<number>
  private readonly duration: Metric.Histogram<number>
  private readonly lag: Metric.Histogram<number>
  private readonly skipped: Metric.Counter<number>
  private readonly inFlight: Metric.Gauge<number>
  /**
   * The context updates are made in: the caller's, with its metric attributes held as one value. (Without it,
   * each update would read them as a new empty record, and compute the series' key again.)
   */
  private readonly context: Context.Context<never>
  /** Runs in flight under this attribute value: 0 or 1 for one repeater, any number for `OTHER_REPEATERS`. */
  private running = 0

  constructor(name: string, context: Context.Context<never>) {
    this.context = Context.add(
      context,
      Metric.CurrentMetricAttributes,
      Context.get(context, Metric.CurrentMetricAttributes)
    )
    const tags = { repeater: name }
    this.success = runsTotalOf({ ...tags, outcome: "success" })
    this.failure = runsTotalOf({ ...tags, outcome: "failure" })
    this.interrupted = runsTotalOf({ ...tags, outcome: "interrupted" })
    this.duration = runDurationOf(tags)
    this.lag = startLagOf(tags)
    this.skipped = skippedTicksOf(tags)
    this.inFlight = runsInFlightOf(tags)
  }

  started(lagMillis: number): void {
    this.lag.updateUnsafe(Math.max(0, lagMillis), this.context)
    this.inFlight.updateUnsafe(++this.running, this.context)
  }

  finished(outcome: Outcome, durationMillis: number): void {
    this.inFlight.updateUnsafe(--this.running, this.context)
    this.duration.updateUnsafe(durationMillis, this.context)
    const counter = outcome === "success" ? this.success : outcome === "failure" ? this.failure : this.interrupted
    counter.updateUnsafe(1, this.context)
  }

  skippedTicks(count: number): void {
    this.skipped.updateUnsafe(count, this.context)
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
