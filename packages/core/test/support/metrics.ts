/**
 * Reading the metrics a repeater records, from the current `Metric.snapshot`.
 */
import { assert } from "@effect/vitest"
import { Effect, Metric, type MetricPair, MetricState } from "effect"

/** The metric pairs named `name` whose labels include all of `labels`. */
export const metricPairs = (name: string, labels: Record<string, string>) =>
  Effect.map(
    Metric.snapshot,
    (pairs) =>
      pairs.filter((pair: MetricPair.MetricPair.Untyped) =>
        pair.metricKey.name === name &&
        Object.entries(labels).every(([key, value]) =>
          pair.metricKey.tags.some((tag) => tag.key === key && tag.value === value)
        )
      )
  )

/** A counter's value (a counter that was never incremented is 0). */
export const counterValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) =>
    pairs.reduce((sum, pair) => {
      const state = pair.metricState
      assert.isTrue(MetricState.isCounterState(state), `${name} is a counter`)
      return MetricState.isCounterState(state) ? sum + Number(state.count) : sum
    }, 0))

export const gaugeValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) => {
    assert.strictEqual(pairs.length, 1, `one ${name} gauge for ${JSON.stringify(labels)}`)
    const state = pairs[0].metricState
    assert.isTrue(MetricState.isGaugeState(state), `${name} is a gauge`)
    return MetricState.isGaugeState(state) ? Number(state.value) : NaN
  })

export const histogramValue = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) => {
    assert.strictEqual(pairs.length, 1, `one ${name} histogram for ${JSON.stringify(labels)}`)
    const state = pairs[0].metricState
    assert.isTrue(MetricState.isHistogramState(state), `${name} is a histogram`)
    return MetricState.isHistogramState(state) ?
      { count: state.count, sum: state.sum, min: state.min, max: state.max } :
      { count: NaN, sum: NaN, min: NaN, max: NaN }
  })

/** The sum of the counters named `name` with these labels, of any kind of metric. */
export const counterTotal = (name: string, labels: Record<string, string>) =>
  Effect.map(metricPairs(name, labels), (pairs) =>
    pairs.reduce((sum, pair) => {
      const state = pair.metricState
      return MetricState.isCounterState(state) ? sum + Number(state.count) : sum
    }, 0))

/** The repeater's runs-in-flight gauge. */
export const inFlightGauge = (repeater: string) =>
  Effect.map(metricPairs("repeater_runs_in_flight", { repeater }), (pairs) => {
    assert.strictEqual(pairs.length, 1)
    const state = pairs[0].metricState
    return MetricState.isGaugeState(state) ? Number(state.value) : NaN
  })

/** The histogram named `name` of the repeater. */
export const histogramOf = (name: string, repeater: string) =>
  Effect.map(metricPairs(name, { repeater }), (pairs) => {
    assert.strictEqual(pairs.length, 1)
    const state = pairs[0].metricState
    return MetricState.isHistogramState(state) ?
      { count: state.count, sum: state.sum, min: state.min, max: state.max } :
      { count: NaN, sum: NaN, min: NaN, max: NaN }
  })
