/**
 * OpenTelemetry for the whole program: spans, metrics and logs exported by
 * `@effect/opentelemetry`. `main.ts` passes console exporters; the test
 * passes in-memory ones.
 */
import * as OtelLogger from "@effect/opentelemetry/Logger"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { type LogRecordExporter, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs"
import { PeriodicExportingMetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics"
import { SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"

export interface Exporters {
  readonly spans: SpanExporter
  readonly metrics: PushMetricExporter
  readonly logs: LogRecordExporter
  /** How often metrics are exported. */
  readonly metricInterval: Duration.DurationInput
}

/**
 * `@effect/opentelemetry`'s logger leaves out the Cause of a log such as
 * `Effect.logError(message, cause)`; this one puts it into the record's
 * `exception.message` and `exception.stacktrace` attributes, so that the
 * failures of runs reach the log backend whole.
 */
const LoggerWithCauses = Logger.addEffect(
  Effect.map(OtelLogger.make, (logger) =>
    Logger.mapInputOptions(logger, (options) => {
      if (Cause.isEmpty(options.cause)) return options
      const squashed = Cause.squash(options.cause)
      const message = squashed instanceof Error ? squashed.message : String(squashed)
      return {
        ...options,
        annotations: HashMap.set(
          HashMap.set(options.annotations, "exception.message", message),
          "exception.stacktrace",
          Cause.pretty(options.cause)
        )
      }
    }))
)

/**
 * The telemetry layer: install it below everything that forks repeaters, so
 * that their runs get spans (core traces runs only when a real tracer is
 * installed). Closing it flushes what is left.
 */
export const layer = (exporters: Exporters) =>
  LoggerWithCauses.pipe(
    Layer.provide(OtelLogger.layerLoggerProvider(new SimpleLogRecordProcessor({ exporter: exporters.logs }))),
    Layer.provideMerge(
      NodeSdk.layer(() => ({
        resource: { serviceName: "repeater-observability-example", serviceVersion: "0.0.0" },
        spanProcessor: new SimpleSpanProcessor(exporters.spans),
        metricReader: new PeriodicExportingMetricReader({
          exporter: exporters.metrics,
          exportIntervalMillis: Duration.toMillis(exporters.metricInterval)
        })
      }))
    )
  )
