/**
 * Three repeaters for about 10 seconds, their spans, metrics and logs printed
 * by OpenTelemetry's console exporters. Ctrl-C stops them gracefully.
 *
 *   pnpm --filter @effect-repeater/example-observability start
 */
import { Repeater } from "@effect-repeater/core"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { ConsoleLogRecordExporter } from "@opentelemetry/sdk-logs"
import { AggregationTemporality, ConsoleMetricExporter } from "@opentelemetry/sdk-metrics"
import { ConsoleSpanExporter } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { RepeatersLive } from "./repeaters.js"
import * as Telemetry from "./telemetry.js"

const TelemetryLive = Telemetry.layer({
  spans: new ConsoleSpanExporter(),
  metrics: new ConsoleMetricExporter({ temporalitySelector: () => AggregationTemporality.CUMULATIVE }),
  logs: new ConsoleLogRecordExporter(),
  metricInterval: "5 seconds"
})

const seconds = Number(process.env.RUN_SECONDS ?? "10")

const program = Effect.sleep(`${seconds} seconds`).pipe(
  Effect.zipRight(Effect.log("done: stopping the repeaters"))
)

program.pipe(
  Effect.provide(RepeatersLive.pipe(Layer.provide(Repeater.layer))),
  Effect.provide(TelemetryLive),
  NodeRuntime.runMain
)
