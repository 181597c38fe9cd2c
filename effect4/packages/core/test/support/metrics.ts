/**
 * Reading the metrics a repeater records, from the current `Metric.snapshot` (Effect 3's `MetricPair`s and
 * `MetricState`s, on Effect 4: a snapshot's `id`, `attributes` and `state`).
 */
import { assert } from "@effect/vitest"
import { Effect, Metric } from "effect"

/** The snapshots of the metric named `name` whose attributes include all of `labels`. */
export const metricPairs = (name: string, labels: Record<string, string>) =>
  Effect.map(
    Metric.snapshot,
    (pairs) =>
      pairs.filter((pair) =>
        pair.id === name &&
        Object.entries(labels).every(([key, value]) => pair.attributes?.[key] === value)
      )
  )

/** The snapshots of a metric whose `repeater` attribute passes `select`. */
export const seriesOf = (name: string, select: (repeater: string) => boolean) =>
  Effect.map(
    Metric.snapshot,
    (pairs) =>
      pairs.filter((pair) => {
        const repeater = pair.attributes?.["repeater"]
        return pair.id === name && repeater !== undefined && select(repeater)
      })
  )

/** A counter's value (a counter that was never incremented is 0). */
export const counterValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) =>
    pairs.reduce((sum, pair) => {
      assert.strictEqual(pair.type, "Counter", `${name} is a counter`)
      return pair.type === "Counter" ? sum + Number(pair.state.count) : sum
    }, 0))

export const gaugeValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) => {
    assert.strictEqual(pairs.length, 1, `one ${name} gauge for ${JSON.stringify(labels)}`)
    const pair = pairs[0]
    assert.strictEqual(pair?.type, "Gauge", `${name} is a gauge`)
    return pair?.type === "Gauge" ? Number(pair.state.value) : NaN
  })

export const histogramValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) => {
    assert.strictEqual(pairs.length, 1, `one ${name} histogram for ${JSON.stringify(labels)}`)
    const pair = pairs[0]
    assert.strictEqual(pair?.type, "Histogram", `${name} is a histogram`)
    return pair?.type === "Histogram" ?
      { count: pair.state.count, sum: pair.state.sum, min: pair.state.min, max: pair.state.max } :
      { count: NaN, sum: NaN, min: NaN, max: NaN }
  })

/** The sum of the counters named `name` with these labels. */
export const counterTotal = (name: string, labels: Record<string, string>) =>
  Effect.map(
    metricPairs(name, labels),
    (pairs) => pairs.reduce((sum, pair) => pair.type === "Counter" ? sum + Number(pair.state.count) : sum, 0)
  )

/** The repeater's runs-in-flight gauge. */
export const inFlightGauge = (repeater: string) => gaugeValue("repeater_runs_in_flight", { repeater })

/** The histogram named `name` of the repeater. */
export const histogramOf = (name: string, repeater: string) => histogramValue(name, { repeater })
