import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Option, Tracer } from "effect"
import { TestClock } from "effect/testing"
import { dieOption, failureOption, originalError } from "./support/effect3.js"
import { Boom } from "./support/errors.js"

// -----------------------------------------------------------------------------
// helpers
// -----------------------------------------------------------------------------

/** A tracer that delegates to the native one and records every span it makes. */
const recordingTracer = () => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = Tracer.nativeTracer.span(options)
      spans.push(span)
      return span
    },
    context: Tracer.nativeTracer.context
  })
  return { spans, tracer }
}

const nanosToMillis = (nanos: bigint): number => Number(nanos / 1_000_000n)

/** The parts of a `Repeater.run` span the tests look at, times in virtual milliseconds. */
const spanView = (span: Tracer.Span) => ({
  name: span.name,
  repeater: span.attributes.get("repeater.name"),
  run: span.attributes.get("repeater.run"),
  start: nanosToMillis(span.status.startTime),
  end: span.status._tag === "Ended" ? nanosToMillis(span.status.endTime) : undefined,
  outcome: span.status._tag === "Ended" ? (Exit.isSuccess(span.status.exit) ? "success" : "failure") : "open"
})

const runSpans = (spans: ReadonlyArray<Tracer.Span>) => spans.filter((span) => span.name === "Repeater.run")

// -----------------------------------------------------------------------------
// spans
// -----------------------------------------------------------------------------

describe("spans", () => {
  it.effect("each run is in a span Repeater.run with the repeater's name and run index", () => {
    const { spans, tracer } = recordingTracer()
    return Effect.gen(function*() {
      const seen: Array<{ readonly span: string; readonly run: unknown }> = []
      const task = Effect.gen(function*() {
        const span = yield* Effect.currentSpan
        seen.push({ span: span.name, run: span.attributes.get("repeater.run") })
        yield* Effect.sleep("2 seconds")
      })
      yield* Repeater.fork(task, { name: "obs-span-runs", every: "10 seconds" })
      // runs: 0–2 s, 12–14 s, 24–26 s
      yield* TestClock.adjust("30 seconds")
      assert.deepStrictEqual(runSpans(spans).map(spanView), [
        { name: "Repeater.run", repeater: "obs-span-runs", run: 1, start: 0, end: 2_000, outcome: "success" },
        { name: "Repeater.run", repeater: "obs-span-runs", run: 2, start: 12_000, end: 14_000, outcome: "success" },
        { name: "Repeater.run", repeater: "obs-span-runs", run: 3, start: 24_000, end: 26_000, outcome: "success" }
      ])
      // the task itself runs inside its run's span
      assert.deepStrictEqual(seen, [
        { span: "Repeater.run", run: 1 },
        { span: "Repeater.run", run: 2 },
        { span: "Repeater.run", run: 3 }
      ])
    }).pipe(Effect.withTracer(tracer), Effect.provide(Repeater.layer))
  })

  it.effect("a run in flight has an open span", () => {
    const { spans, tracer } = recordingTracer()
    return Effect.gen(function*() {
      yield* Repeater.fork(Effect.sleep("5 seconds"), { name: "obs-span-open", every: "10 seconds" })
      yield* TestClock.adjust("3 seconds")
      assert.deepStrictEqual(runSpans(spans).map(spanView), [
        { name: "Repeater.run", repeater: "obs-span-open", run: 1, start: 0, end: undefined, outcome: "open" }
      ])
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(runSpans(spans).map(spanView), [
        { name: "Repeater.run", repeater: "obs-span-open", run: 1, start: 0, end: 5_000, outcome: "success" }
      ])
    }).pipe(Effect.withTracer(tracer), Effect.provide(Repeater.layer))
  })

  it.effect("failed runs (typed failure and defect) end their span with a failure exit", () => {
    const { spans, tracer } = recordingTracer()
    return Effect.gen(function*() {
      const boom = new Boom({ reason: "disk full" })
      const defect = new Error("bug")
      let run = 0
      const task = Effect.suspend(() => {
        run++
        const outcome = run === 1 ? Effect.fail(boom) : run === 2 ? Effect.die(defect) : Effect.void
        return Effect.andThen(Effect.sleep("1 second"), outcome)
      })
      yield* Repeater.fork(task, { name: "obs-span-failure", every: "10 seconds" })
      // runs: 0–1 s (fails), 11–12 s (dies), 22–23 s (succeeds)
      yield* TestClock.adjust("25 seconds")
      const ended = runSpans(spans)
      assert.deepStrictEqual(ended.map(spanView), [
        { name: "Repeater.run", repeater: "obs-span-failure", run: 1, start: 0, end: 1_000, outcome: "failure" },
        { name: "Repeater.run", repeater: "obs-span-failure", run: 2, start: 11_000, end: 12_000, outcome: "failure" },
        { name: "Repeater.run", repeater: "obs-span-failure", run: 3, start: 22_000, end: 23_000, outcome: "success" }
      ])
      const exits = ended.map((span) => span.status._tag === "Ended" ? Option.some(span.status.exit) : Option.none())
      const first = Option.getOrThrow(exits[0])
      const second = Option.getOrThrow(exits[1])
      assert.isTrue(
        Exit.isFailure(first) && originalError(Option.getOrUndefined(failureOption(first.cause))) === boom
      )
      assert.isTrue(
        Exit.isFailure(second) && originalError(Option.getOrUndefined(dieOption(second.cause))) === defect
      )
    }).pipe(Effect.withTracer(tracer), Effect.provide(Repeater.layer))
  })
})
