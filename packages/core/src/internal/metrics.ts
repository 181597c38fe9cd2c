import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"

const millisBoundaries = MetricBoundaries.exponential({ start: 1, factor: 2, count: 24 })

/** @internal */
export const runsTotal = Metric.counter("repeater_runs_total", {
  description: "Finished runs of a repeater, tagged by outcome (success, failure, interrupted)",
  incremental: true
})

/** @internal */
export const runDuration = Metric.histogram(
  "repeater_run_duration_ms",
  millisBoundaries,
  "Duration of each run in milliseconds, failed and interrupted runs included"
)

/** @internal */
export const startLag = Metric.histogram(
  "repeater_start_lag_ms",
  millisBoundaries,
  "Actual start minus scheduled start of each run, in milliseconds"
)

/** @internal */
export const skippedTicks = Metric.counter("repeater_skipped_ticks_total", {
  description: "Scheduled ticks that were skipped because a run was still in flight",
  incremental: true
})

/** @internal */
export const runsInFlight = Metric.gauge("repeater_runs_in_flight", {
  description: "Runs of a repeater in flight (0 or 1)"
})

/** @internal */
export type Outcome = "success" | "failure" | "interrupted"

/**
 * The metrics of one repeater, tagged with its name. Made on its first run,
 * so that idle repeaters cost nothing here.
 *
 * @internal
 */
export class RepeaterMetrics {
  private readonly success: Metric.Metric.Counter<number>
  private readonly failure: Metric.Metric.Counter<number>
  private readonly interrupted: Metric.Metric.Counter<number>
  private readonly duration: Metric.Metric.Histogram<number>
  private readonly lag: Metric.Metric.Histogram<number>
  private readonly skipped: Metric.Metric.Counter<number>
  private readonly inFlight: Metric.Metric.Gauge<number>

  constructor(name: string) {
    const tags = [MetricLabel.make("repeater", name)]
    const outcome = (value: Outcome) =>
      Metric.taggedWithLabels(runsTotal, [...tags, MetricLabel.make("outcome", value)])
    this.success = outcome("success")
    this.failure = outcome("failure")
    this.interrupted = outcome("interrupted")
    this.duration = Metric.taggedWithLabels(runDuration, tags)
    this.lag = Metric.taggedWithLabels(startLag, tags)
    this.skipped = Metric.taggedWithLabels(skippedTicks, tags)
    this.inFlight = Metric.taggedWithLabels(runsInFlight, tags)
  }

  started(lagMillis: number): void {
    this.lag.unsafeUpdate(Math.max(0, lagMillis), noTags)
    this.inFlight.unsafeUpdate(1, noTags)
  }

  finished(outcome: Outcome, durationMillis: number): void {
    this.inFlight.unsafeUpdate(0, noTags)
    this.duration.unsafeUpdate(durationMillis, noTags)
    const counter = outcome === "success" ? this.success : outcome === "failure" ? this.failure : this.interrupted
    counter.unsafeUpdate(1, noTags)
  }

  skippedTicks(count: number): void {
    this.skipped.unsafeUpdate(count, noTags)
  }
}

const noTags: ReadonlyArray<MetricLabel.MetricLabel> = []
