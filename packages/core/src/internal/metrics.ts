import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import type * as MetricHook from "effect/MetricHook"
import * as MetricKey from "effect/MetricKey"
import * as MetricLabel from "effect/MetricLabel"

const millisBoundaries = MetricBoundaries.exponential({ start: 1, factor: 2, count: 24 })

const runsTotalKey = MetricKey.counter("repeater_runs_total", {
  description: "Finished runs of a repeater, tagged by outcome (success, failure, interrupted)",
  incremental: true
})
const runDurationKey = MetricKey.histogram(
  "repeater_run_duration_ms",
  millisBoundaries,
  "Duration of each run in milliseconds, failed and interrupted runs included"
)
const startLagKey = MetricKey.histogram(
  "repeater_start_lag_ms",
  millisBoundaries,
  "Actual start minus scheduled start of each run, in milliseconds"
)
const skippedTicksKey = MetricKey.counter("repeater_skipped_ticks_total", {
  description: "Scheduled ticks that were skipped because a run was still in flight",
  incremental: true
})
const runsInFlightKey = MetricKey.gauge("repeater_runs_in_flight", {
  description: "Runs of a repeater in flight (0 or 1)"
})

/** @internal */
export const runsTotal = Metric.fromMetricKey(runsTotalKey)

/** @internal */
export const runDuration = Metric.fromMetricKey(runDurationKey)

/** @internal */
export const startLag = Metric.fromMetricKey(startLagKey)

/** @internal */
export const skippedTicks = Metric.fromMetricKey(skippedTicksKey)

/** @internal */
export const runsInFlight = Metric.fromMetricKey(runsInFlightKey)

/** @internal */
export type Outcome = "success" | "failure" | "interrupted"

const registry = Metric.globalMetricRegistry

/**
 * The label value under which the runs of repeaters past the service's `metricSeriesLimit` are counted.
 *
 * @internal
 */
export const OTHER_REPEATERS = "(other)"

/**
 * The metrics of the repeaters of one label value (a repeater's name, or
 * `OTHER_REPEATERS` for all those past the limit). Made on a first run, so that
 * idle repeaters cost nothing here. It holds the registry's hooks of its
 * metrics: an update is a call on a hook. (An update through a `Metric` looks
 * its hook up in a cache of the metric's first.)
 *
 * @internal
 */
export class RepeaterMetrics {
  private readonly success: MetricHook.MetricHook.Counter<number>
  private readonly failure: MetricHook.MetricHook.Counter<number>
  private readonly interrupted: MetricHook.MetricHook.Counter<number>
  private readonly duration: MetricHook.MetricHook.Histogram
  private readonly lag: MetricHook.MetricHook.Histogram
  private readonly skipped: MetricHook.MetricHook.Counter<number>
  private readonly inFlight: MetricHook.MetricHook.Gauge<number>
  /** Runs in flight under this label value: 0 or 1 for one repeater, any number for `OTHER_REPEATERS`. */
  private running = 0

  constructor(label: string) {
    const tags = [MetricLabel.make("repeater", label)]
    const outcome = (value: Outcome) =>
      registry.get(MetricKey.taggedWithLabels(runsTotalKey, [...tags, MetricLabel.make("outcome", value)]))
    this.success = outcome("success")
    this.failure = outcome("failure")
    this.interrupted = outcome("interrupted")
    this.duration = registry.get(MetricKey.taggedWithLabels(runDurationKey, tags))
    this.lag = registry.get(MetricKey.taggedWithLabels(startLagKey, tags))
    this.skipped = registry.get(MetricKey.taggedWithLabels(skippedTicksKey, tags))
    this.inFlight = registry.get(MetricKey.taggedWithLabels(runsInFlightKey, tags))
  }

  started(lagMillis: number): void {
    this.lag.update(Math.max(0, lagMillis))
    this.inFlight.update(++this.running)
  }

  finished(outcome: Outcome, durationMillis: number): void {
    this.inFlight.update(--this.running)
    this.duration.update(durationMillis)
    const counter = outcome === "success" ? this.success : outcome === "failure" ? this.failure : this.interrupted
    counter.update(1)
  }

  skippedTicks(count: number): void {
    this.skipped.update(count)
  }
}

/**
 * The metrics of a service's repeaters: a series of their own for the first
 * `limit` names that run, one shared series labelled `OTHER_REPEATERS` for the
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

  of(name: string): RepeaterMetrics {
    const own = this.byName.get(name)
    if (own !== undefined) return own
    if (this.byName.size < this.limit) {
      const made = new RepeaterMetrics(name)
      this.byName.set(name, made)
      return made
    }
    return this.other ??= new RepeaterMetrics(OTHER_REPEATERS)
  }
}
