import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { InMemoryLogRecordExporter } from "@opentelemetry/sdk-logs"
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type Histogram,
  InMemoryMetricExporter,
  type MetricData
} from "@opentelemetry/sdk-metrics"
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Telemetry from "../src/telemetry.js"

/** The metric named `name` in the latest (cumulative) export. */
const latest = (exporter: InMemoryMetricExporter, name: string): MetricData | undefined => {
  const exports = exporter.getMetrics()
  const last = exports[exports.length - 1]
  return last?.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === name)
}

const withAttributes = (attributes: Record<string, string>) => <T>(p: DataPoint<T>): boolean =>
  Object.entries(attributes).every(([key, value]) => p.attributes[key] === value)

/** The point of a counter (a sum) with these attributes. */
const sumPoint = (metric: MetricData | undefined, attributes: Record<string, string>): DataPoint<number> | undefined =>
  metric?.dataPointType === DataPointType.SUM ? metric.dataPoints.find(withAttributes(attributes)) : undefined

/** The point of a histogram with these attributes. */
const histogramPoint = (
  metric: MetricData | undefined,
  attributes: Record<string, string>
): DataPoint<Histogram> | undefined =>
  metric?.dataPointType === DataPointType.HISTOGRAM ? metric.dataPoints.find(withAttributes(attributes)) : undefined

/** Polls `check` (real time) until it holds. */
const eventually = (check: () => void, deadline = 20_000): Effect.Effect<void> =>
  Effect.promise(async () => {
    const end = Date.now() + deadline
    for (;;) {
      try {
        return check()
      } catch (error) {
        if (Date.now() > end) throw error
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    }
  })

describe("OpenTelemetry export", () => {
  it.live("exports a span per run, the run metrics and the logs of a repeater", () =>
    Effect.gen(function*() {
      const spans = new InMemorySpanExporter()
      const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
      const logs = new InMemoryLogRecordExporter()
      const runs = yield* Ref.make(0)
      const task = Effect.gen(function*() {
        const run = yield* Ref.updateAndGet(runs, (n) => n + 1)
        yield* Effect.sleep("20 millis")
        if (run === 2) return yield* Effect.fail(new Error("the orders service timed out"))
        yield* Effect.log("imported 12 orders")
      })

      yield* Effect.gen(function*() {
        const handle = yield* Repeater.fork(task, { name: "import-orders", every: "10 millis", maxRepetitions: 3 })
        yield* handle.join

        // spans: one "Repeater.run" per run, with the repeater's attributes; the failed run is an error
        const runSpans = spans.getFinishedSpans().filter((span) => span.name === "Repeater.run")
        assert.deepStrictEqual(runSpans.map((span) => span.attributes["repeater.run"]), [1, 2, 3])
        for (const span of runSpans) {
          assert.strictEqual(span.attributes["repeater.name"], "import-orders")
          assert.isNumber(span.attributes["repeater.scheduled_at"])
          assert.isUndefined(span.parentSpanContext)
        }
        assert.deepStrictEqual(runSpans.map((span) => span.status.code), [1, 2, 1]) // OK, ERROR, OK
        // each run is a trace of its own
        assert.strictEqual(new Set(runSpans.map((span) => span.spanContext().traceId)).size, 3)

        // metrics: runs by outcome and their durations
        yield* eventually(() => {
          const total = latest(metrics, "repeater_runs_total")
          assert.strictEqual(sumPoint(total, { repeater: "import-orders", outcome: "success" })?.value, 2)
          assert.strictEqual(sumPoint(total, { repeater: "import-orders", outcome: "failure" })?.value, 1)
          const durations = histogramPoint(latest(metrics, "repeater_run_duration_ms"), {
            repeater: "import-orders"
          })?.value
          assert.strictEqual(durations?.count, 3)
          // each run slept 20 ms
          assert.isAtLeast(durations?.min ?? 0, 15)
          assert.isAtLeast(durations?.sum ?? 0, 45)
        })

        // logs: the run's own log, inside its span, and core's log of the failure
        const records = logs.getFinishedLogRecords()
        const imported = records.filter((record) => record.body === "imported 12 orders")
        assert.strictEqual(imported.length, 2)
        assert.strictEqual(imported[0]!.severityText, "INFO")
        assert.strictEqual(imported[0]!.attributes.repeater, "import-orders")
        // (@effect/opentelemetry puts the span's ids into attributes)
        assert.strictEqual(imported[0]!.attributes.traceId, runSpans[0]!.spanContext().traceId)
        assert.strictEqual(imported[0]!.attributes.spanId, runSpans[0]!.spanContext().spanId)
        const failure = records.find((record) => record.body === "Repeater \"import-orders\" run 2 failed")
        assert.isDefined(failure)
        assert.strictEqual(failure!.severityText, "ERROR")
        assert.strictEqual(failure!.attributes.run, 2)
        assert.strictEqual(failure!.attributes["exception.message"], "the orders service timed out")
        assert.include(String(failure!.attributes["exception.stacktrace"]), "Error: the orders service timed out")
      }).pipe(
        Effect.scoped,
        Effect.provide(Repeater.layer),
        Effect.provide(Telemetry.layer({ spans, metrics, logs, metricInterval: "100 millis" }))
      )
    }), { timeout: 60_000 })
})
