import type * as Context from "effect/Context"
import * as Metric from "effect/Metric"

const boundaries = Metric.exponentialBoundaries({ start: 1, factor: 2, count: 24 })

/** @internal */
export const runsTotal = Metric.counter("repeater_runs_total", {
  description: "Finished runs of a repeater, tagged by outcome (success, failure, interrupted)",
  incremental: true
})

/** @internal */
export const runDuration = Metric.histogram("repeater_run_duration_ms", {
  boundaries,
  description: "Duration of each run in milliseconds, failed and interrupted runs included"
})

/** @internal */
export const startLag = Metric.histogram("repeater_start_lag_ms", {
  boundaries,
  description: "Actual start minus scheduled start of each run, in milliseconds"
})

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
 * so that idle repeaters cost nothing here. The registry is the one of the
 * context the repeater was forked in.
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

  constructor(name: string, private readonly context: Context.Context<never>) {
    const tags = { repeater: name }
    this.success = Metric.withAttributes(runsTotal, { ...tags, outcome: "success" })
    this.failure = Metric.withAttributes(runsTotal, { ...tags, outcome: "failure" })
    this.interrupted = Metric.withAttributes(runsTotal, { ...tags, outcome: "interrupted" })
    this.duration = Metric.withAttributes(runDuration, tags)
    this.lag = Metric.withAttributes(startLag, tags)
    this.skipped = Metric.withAttributes(skippedTicks, tags)
    this.inFlight = Metric.withAttributes(runsInFlight, tags)
  }

  started(lagMillis: number): void {
    this.lag.updateUnsafe(Math.max(0, lagMillis), this.context)
    this.inFlight.updateUnsafe(1, this.context)
  }

  finished(outcome: Outcome, durationMillis: number): void {
    this.inFlight.updateUnsafe(0, this.context)
    this.duration.updateUnsafe(durationMillis, this.context)
    const counter = outcome === "success" ? this.success : outcome === "failure" ? this.failure : this.interrupted
    counter.updateUnsafe(1, this.context)
  }

  skippedTicks(count: number): void {
    this.skipped.updateUnsafe(count, this.context)
  }
}
