import { Repeater } from "@effect-repeater/core"
import type { RepeaterEvent } from "@effect-repeater/core/RepeaterEvent"
import { assert, describe, it } from "@effect/vitest"
import type { Cause } from "effect"
import { Data, DateTime, Duration, Effect, Exit, Fiber, Option, Scope, Stream } from "effect"
import { TestClock } from "effect/testing"
import { defects, failures, originalError } from "./support/effect3.js"
import { poll } from "./support/probe.js"
import { now } from "./support/time.js"

class Boom extends Data.TaggedError("Boom")<{ readonly reason: string }> {}

const millis = (dateTime: DateTime.Utc): number => DateTime.toEpochMillis(dateTime)

/** The failures and defects of a Cause, as the values that were failed with. */
const causeView = (cause: Cause.Cause<unknown>) => ({
  failures: failures(cause).map(originalError),
  defects: defects(cause).map(originalError)
})

/** An event with its times in virtual milliseconds, and `at`: the virtual time it was received. */
const view = (at: number, event: RepeaterEvent) => {
  switch (event._tag) {
    case "RunStarted":
      return {
        at,
        _tag: event._tag,
        name: event.name,
        run: event.run,
        scheduledAt: millis(event.scheduledAt),
        startedAt: millis(event.startedAt)
      }
    case "RunSucceeded":
      return {
        at,
        _tag: event._tag,
        name: event.name,
        run: event.run,
        scheduledAt: millis(event.scheduledAt),
        startedAt: millis(event.startedAt),
        duration: Duration.toMillis(event.duration)
      }
    case "RunFailed":
      return {
        at,
        _tag: event._tag,
        name: event.name,
        run: event.run,
        scheduledAt: millis(event.scheduledAt),
        startedAt: millis(event.startedAt),
        duration: Duration.toMillis(event.duration),
        cause: causeView(event.cause)
      }
    case "TickSkipped":
      return {
        at,
        _tag: event._tag,
        name: event.name,
        run: event.run,
        scheduledAt: millis(event.scheduledAt),
        count: event.count
      }
    case "Stopped":
      return { at, _tag: event._tag, name: event.name, runs: event.runs, result: event.result }
    case "Completed":
      return { at, _tag: event._tag, name: event.name, runs: event.runs }
    case "Failed":
      return { at, _tag: event._tag, name: event.name, runs: event.runs, cause: causeView(event.cause) }
  }
}

type EventView = ReturnType<typeof view>

/**
 * Subscribes to `Repeater.events` in a forked fiber (before any repeater is
 * forked) and records every event with the virtual time it arrived.
 */
const subscribe = Effect.gen(function*() {
  const received: Array<EventView> = []
  yield* Effect.forkScoped(
    Stream.runForEach(Repeater.events, (event) => Effect.map(now, (at) => void received.push(view(at, event))))
  )
  // let the subscriber start
  yield* TestClock.adjust("0 millis")
  return received
})

const started = (name: string, run: number, scheduledAt: number, startedAt: number): EventView => ({
  at: startedAt,
  _tag: "RunStarted",
  name,
  run,
  scheduledAt,
  startedAt
})

const succeeded = (name: string, run: number, scheduledAt: number, startedAt: number, duration: number): EventView => ({
  at: startedAt + duration,
  _tag: "RunSucceeded",
  name,
  run,
  scheduledAt,
  startedAt,
  duration
})

describe("events", () => {
  it.effect("RunStarted / RunSucceeded carry name, run index, scheduled time, actual start and duration", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-succeeded"
      yield* Repeater.fork(Effect.sleep("2 seconds"), { name, every: "10 seconds", initialDelay: "3 seconds" })
      // runs: 3–5 s, 15–17 s, 27–29 s
      yield* TestClock.adjust("30 seconds")
      assert.deepStrictEqual(received, [
        started(name, 1, 3_000, 3_000),
        succeeded(name, 1, 3_000, 3_000, 2_000),
        started(name, 2, 15_000, 15_000),
        succeeded(name, 2, 15_000, 15_000, 2_000),
        started(name, 3, 27_000, 27_000),
        succeeded(name, 3, 27_000, 27_000, 2_000)
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("events can be consumed with Stream.take: a subscriber forked before the repeater sees its first run", () =>
    Effect.gen(function*() {
      const collector = yield* Effect.forkChild(Stream.runCollect(Stream.take(Repeater.events, 2)))
      yield* TestClock.adjust("0 millis")
      yield* Repeater.fork(Effect.sleep("1 second"), { name: "ev-take", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      const events = Array.from(yield* Fiber.join(collector))
      assert.deepStrictEqual(events.map((event) => view(0, event)), [
        { ...started("ev-take", 1, 0, 0), at: 0 },
        { ...succeeded("ev-take", 1, 0, 0, 1_000), at: 0 }
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("RunFailed carries the full cause (typed failure or defect) and the duration; the schedule goes on", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-failed-run"
      const boom = new Boom({ reason: "disk full" })
      const defect = new Error("bug")
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return run === 1 ?
          Effect.andThen(Effect.sleep("1 second"), Effect.fail(boom)) :
          run === 2 ?
          Effect.andThen(Effect.sleep("2 seconds"), Effect.die(defect)) :
          Effect.void
      })
      yield* Repeater.fork(task, { name, every: "10 seconds" })
      // runs: 0–1 s (fails), 11–13 s (dies), 23 s (succeeds at once)
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        {
          at: 1_000,
          _tag: "RunFailed",
          name,
          run: 1,
          scheduledAt: 0,
          startedAt: 0,
          duration: 1_000,
          cause: { failures: [boom], defects: [] }
        },
        started(name, 2, 11_000, 11_000),
        {
          at: 13_000,
          _tag: "RunFailed",
          name,
          run: 2,
          scheduledAt: 11_000,
          startedAt: 11_000,
          duration: 2_000,
          cause: { failures: [], defects: [defect] }
        },
        started(name, 3, 23_000, 23_000),
        succeeded(name, 3, 23_000, 23_000, 0)
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("TickSkipped: a rate-mode overrun reports the first skipped tick and the count, then one run at once", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-skipped"
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return run === 1 ? Effect.sleep("35 seconds") : run === 3 ? Effect.sleep("12 seconds") : Effect.void
      })
      yield* Repeater.fork(task, { name, every: "10 seconds", mode: "rate" })
      // run 1: 0–35 s, ticks 10 and 20 s are skipped, tick 30 s runs at once at 35 s;
      // run 3: 40–52 s, tick 50 s is the one run at once at 52 s (nothing skipped); then 60 s
      yield* TestClock.adjust("65 seconds")
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        succeeded(name, 1, 0, 0, 35_000),
        { at: 35_000, _tag: "TickSkipped", name, run: 1, scheduledAt: 10_000, count: 2 },
        started(name, 2, 30_000, 35_000),
        succeeded(name, 2, 30_000, 35_000, 0),
        started(name, 3, 40_000, 40_000),
        succeeded(name, 3, 40_000, 40_000, 12_000),
        started(name, 4, 50_000, 52_000),
        succeeded(name, 4, 50_000, 52_000, 0),
        started(name, 5, 60_000, 60_000),
        succeeded(name, 5, 60_000, 60_000, 0)
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a runNow run is scheduled at the time it was asked for", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-run-now"
      const handle = yield* Repeater.fork(Effect.sleep("1 second"), { name, every: "10 seconds" })
      yield* TestClock.adjust("4 seconds")
      yield* handle.runNow
      // run 1: 0–1 s, runNow run 2: 4–5 s, then delay mode: 15–16 s
      yield* TestClock.adjust("12 seconds")
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        succeeded(name, 1, 0, 0, 1_000),
        started(name, 2, 4_000, 4_000),
        succeeded(name, 2, 4_000, 4_000, 1_000),
        started(name, 3, 15_000, 15_000),
        succeeded(name, 3, 15_000, 15_000, 1_000)
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a runNow coalesced behind an in-flight run starts after it, scheduled at the time it was asked for", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-run-now-coalesced"
      const handle = yield* Repeater.fork(Effect.sleep("5 seconds"), { name, every: "10 seconds" })
      yield* TestClock.adjust("2 seconds")
      yield* handle.runNow
      yield* TestClock.adjust("1 second")
      yield* handle.runNow
      // run 1: 0–5 s, the two runNow requests (2 s, 3 s) make one run: 5–10 s, then delay mode: 20–25 s
      yield* TestClock.adjust("23 seconds")
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        succeeded(name, 1, 0, 0, 5_000),
        started(name, 2, 2_000, 5_000),
        succeeded(name, 2, 2_000, 5_000, 5_000),
        started(name, 3, 20_000, 20_000),
        succeeded(name, 3, 20_000, 20_000, 5_000)
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Stopped with result idle when stopped between runs", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-stopped-idle"
      const handle = yield* Repeater.fork(Effect.void, { name, every: "10 seconds" })
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(yield* handle.stop(), "idle")
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        succeeded(name, 1, 0, 0, 0),
        { at: 5_000, _tag: "Stopped", name, runs: 1, result: "idle" }
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Stopped with result finished when the in-flight run ends within the grace", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-stopped-finished"
      const handle = yield* Repeater.fork(Effect.sleep("10 seconds"), { name, every: "10 seconds" })
      yield* TestClock.adjust("2 seconds")
      const stop = yield* Effect.forkChild(handle.stop({ grace: "30 seconds" }))
      yield* TestClock.adjust("8 seconds")
      assert.strictEqual(yield* Fiber.join(stop), "finished")
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        succeeded(name, 1, 0, 0, 10_000),
        { at: 10_000, _tag: "Stopped", name, runs: 1, result: "finished" }
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Stopped with result interrupted when the grace runs out; the interrupted run is not a RunFailed", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-stopped-interrupted"
      const handle = yield* Repeater.fork(Effect.never, { name, every: "10 seconds" })
      yield* TestClock.adjust("2 seconds")
      const stop = yield* Effect.forkChild(handle.stop({ grace: "5 seconds" }))
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(yield* Fiber.join(stop), "interrupted")
      yield* TestClock.adjust("20 seconds")
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        { at: 7_000, _tag: "Stopped", name, runs: 0, result: "interrupted" }
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Stopped when the repeater's Scope closes", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-stopped-scope"
      yield* Effect.scoped(
        Effect.andThen(
          Repeater.fork(Effect.void, { name, every: "10 seconds" }),
          TestClock.adjust("15 seconds")
        )
      )
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        succeeded(name, 1, 0, 0, 0),
        started(name, 2, 10_000, 10_000),
        succeeded(name, 2, 10_000, 10_000, 0),
        { at: 15_000, _tag: "Stopped", name, runs: 2, result: "idle" }
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Completed right after the last run when maxRepetitions is reached", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-completed"
      const handle = yield* Repeater.fork(Effect.sleep("2 seconds"), { name, every: "10 seconds", maxRepetitions: 2 })
      yield* TestClock.adjust("40 seconds")
      yield* handle.join
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        succeeded(name, 1, 0, 0, 2_000),
        started(name, 2, 12_000, 12_000),
        succeeded(name, 2, 12_000, 12_000, 2_000),
        { at: 14_000, _tag: "Completed", name, runs: 2 }
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("Completed at once with maxRepetitions 0", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-completed-zero"
      yield* TestClock.adjust("5 seconds")
      yield* Repeater.fork(Effect.void, { name, every: "10 seconds", maxRepetitions: 0 })
      yield* TestClock.adjust("30 seconds")
      assert.deepStrictEqual(received, [{ at: 5_000, _tag: "Completed", name, runs: 0 }])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("RunFailed then Failed with the cause when a run fails with onError: stop", () =>
    Effect.gen(function*() {
      const received = yield* subscribe
      const name = "ev-failed"
      const boom = new Boom({ reason: "second run" })
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return run === 2 ? Effect.andThen(Effect.sleep("1 second"), Effect.fail(boom)) : Effect.void
      })
      const handle = yield* Repeater.fork(task, { name, every: "10 seconds", onError: "stop" })
      yield* TestClock.adjust("40 seconds")
      const error = yield* Effect.flip(handle.join)
      assert.strictEqual(originalError(error), boom)
      assert.deepStrictEqual(received, [
        started(name, 1, 0, 0),
        succeeded(name, 1, 0, 0, 0),
        started(name, 2, 10_000, 10_000),
        {
          at: 11_000,
          _tag: "RunFailed",
          name,
          run: 2,
          scheduledAt: 10_000,
          startedAt: 10_000,
          duration: 1_000,
          cause: { failures: [boom], defects: [] }
        },
        { at: 11_000, _tag: "Failed", name, runs: 2, cause: { failures: [boom], defects: [] } }
      ])
    }).pipe(Effect.provide(Repeater.layer)))
})

/** An event as `tag name#run` plus the times that matter, in virtual milliseconds. */
const eventView = (event: RepeaterEvent): string => {
  switch (event._tag) {
    case "RunStarted":
      return `${event._tag} ${event.name}#${event.run} s=${DateTime.toEpochMillis(event.scheduledAt)} a=${
        DateTime.toEpochMillis(event.startedAt)
      }`
    case "RunSucceeded":
    case "RunFailed":
      return `${event._tag} ${event.name}#${event.run} d=${Duration.toMillis(event.duration)}`
    case "TickSkipped":
      return `${event._tag} ${event.name}#${event.run} s=${DateTime.toEpochMillis(event.scheduledAt)} n=${event.count}`
    case "Stopped":
      return `${event._tag} ${event.name} runs=${event.runs} ${event.result}`
    case "Completed":
    case "Failed":
      return `${event._tag} ${event.name} runs=${event.runs}`
  }
}

/** Subscribes in a fiber of the current Scope; returns what it receives. */
const subscribeLines = Effect.gen(function*() {
  const received: Array<string> = []
  const fiber = yield* Effect.forkScoped(
    Stream.runForEach(Repeater.events, (event) => Effect.sync(() => void received.push(eventView(event))))
  )
  yield* TestClock.adjust("0 millis")
  return { received, fiber }
})

describe("events: subscribers and the end of the stream", () => {
  it.effect("per repeater in order; a late subscriber sees only later events; two subscribers see the same", () =>
    Effect.gen(function*() {
      const early = yield* subscribeLines
      yield* Repeater.fork(Effect.sleep("2 seconds"), { name: "ev-a", every: "10 seconds" })
      yield* TestClock.adjust("5 seconds")
      const late = yield* subscribeLines
      yield* Repeater.fork(Effect.sleep("1 second"), { name: "ev-b", every: "10 seconds", maxRepetitions: 1 })
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(early.received, [
        "RunStarted ev-a#1 s=0 a=0",
        "RunSucceeded ev-a#1 d=2000",
        "RunStarted ev-b#1 s=5000 a=5000",
        "RunSucceeded ev-b#1 d=1000",
        "Completed ev-b runs=1",
        "RunStarted ev-a#2 s=12000 a=12000",
        "RunSucceeded ev-a#2 d=2000"
      ])
      assert.deepStrictEqual(late.received, early.received.slice(2))
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("a repeater forked in another fiber reports on the same stream", () =>
    Effect.gen(function*() {
      const { received } = yield* subscribeLines
      const scope = yield* Effect.scope
      const forker = yield* Effect.forkChild(
        Repeater.fork(Effect.void, { name: "ev-other", every: "3 seconds", maxRepetitions: 2 }).pipe(
          Scope.provide(scope)
        )
      )
      yield* Fiber.join(forker)
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(received, [
        "RunStarted ev-other#1 s=0 a=0",
        "RunSucceeded ev-other#1 d=0",
        "RunStarted ev-other#2 s=3000 a=3000",
        "RunSucceeded ev-other#2 d=0",
        "Completed ev-other runs=2"
      ])
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("the stream ends when the service closes, after the final Stopped event of every repeater", () =>
    Effect.gen(function*() {
      const outer = yield* Effect.scope
      const subscriber = yield* Effect.gen(function*() {
        const received: Array<string> = []
        const fiber = yield* Effect.forkIn(
          Stream.runForEach(Repeater.events, (event) => Effect.sync(() => void received.push(eventView(event)))),
          outer
        )
        yield* TestClock.adjust("0 millis")
        yield* Repeater.fork(Effect.void, { name: "end-a", every: "1 minute", waitFirst: true })
        yield* Repeater.fork(Effect.void, { name: "end-b", every: "1 minute", waitFirst: true })
        yield* Repeater.fork(Effect.void, { name: "end-c", every: "1 minute", waitFirst: true })
        yield* TestClock.adjust("1 second")
        return { received, fiber }
      }).pipe(Effect.scoped, Effect.provide(Repeater.layer))
      // the service has closed: its stream must end by itself, having delivered the three Stopped events
      yield* TestClock.adjust("0 millis")
      const ended = yield* poll(subscriber.fiber)
      assert.isTrue(Option.isSome(ended) && Exit.isSuccess(ended.value), "the stream ended")
      assert.deepStrictEqual([...subscriber.received].sort(), [
        "Stopped end-a runs=0 idle",
        "Stopped end-b runs=0 idle",
        "Stopped end-c runs=0 idle"
      ])
    }))

  it.effect("the stream ends when the service closes, after the Stopped event of a repeater whose run had its grace", () =>
    Effect.gen(function*() {
      const outer = yield* Effect.scope
      const subscriber = yield* Effect.gen(function*() {
        const received: Array<string> = []
        const fiber = yield* Effect.forkIn(
          Stream.runForEach(Repeater.events, (event) => Effect.sync(() => void received.push(eventView(event)))),
          outer
        )
        yield* TestClock.adjust("0 millis")
        yield* Repeater.fork(Effect.sleep("1 hour"), { name: "end-busy", every: "1 minute" })
        yield* TestClock.adjust("1 second")
        return { received, fiber }
      }).pipe(Effect.scoped, Effect.provide(Repeater.layerWith({ defaultGrace: 0 })))
      yield* TestClock.adjust("0 millis")
      const ended = yield* poll(subscriber.fiber)
      assert.isTrue(Option.isSome(ended) && Exit.isSuccess(ended.value), "the stream ended")
      assert.deepStrictEqual(subscriber.received, [
        "RunStarted end-busy#1 s=0 a=0",
        "Stopped end-busy runs=0 interrupted"
      ])
    }))
})
