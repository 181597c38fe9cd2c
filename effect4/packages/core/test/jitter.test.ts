import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Random } from "effect"
import { TestClock } from "effect/testing"
import { makeProbe, type Probe } from "./support/probe.js"
import { range } from "./support/range.js"

describe("rate mode: jitter", () => {
  const every = 10_000
  const jitter = 3_000
  const t0 = 5_000
  const periods = 400

  /** Checks that the k-th start falls in [t0 + k * every, t0 + k * every + jitter); returns the offsets. */
  const checkGridBounds = (probe: Probe): Array<number> => {
    assert.strictEqual(probe.starts.length, periods)
    return range(periods).map((k) => {
      const tick = t0 + k * every
      assert.isAtLeast(probe.starts[k], tick, `run ${k}`)
      assert.isBelow(probe.starts[k], tick + jitter, `run ${k}`)
      return probe.starts[k] - tick
    })
  }

  const options = {
    every: "10 seconds",
    mode: "rate",
    initialDelay: "5 seconds",
    jitter: "3 seconds",
    maxRepetitions: periods
  } as const

  it.effect("the k-th start falls in [t0 + k * every, t0 + k * every + jitter): jitter never accumulates", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 1_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "rate", ...options }).pipe(
        Random.withSeed(42)
      )
      yield* TestClock.adjust(Duration.millis(t0 + periods * every))
      assert.strictEqual((yield* handle.status).state, "completed")
      const offsets = checkGridBounds(probe)
      // the jitter is random over the whole range, not a constant
      assert.isAbove(new Set(offsets).size, periods * 0.9)
      assert.isBelow(Math.min(...offsets), jitter * 0.1)
      assert.isAbove(Math.max(...offsets), jitter * 0.9)
      assert.strictEqual(probe.maxConcurrent(), 1)
      assert.strictEqual((yield* handle.status).skippedTicks, 0)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("the same bounds hold with the default Random", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => 1_000 })
      const handle = yield* Repeater.fork(probe.task, { name: "rate", ...options })
      yield* TestClock.adjust(Duration.millis(t0 + periods * every))
      assert.strictEqual((yield* handle.status).state, "completed")
      const offsets = checkGridBounds(probe)
      assert.isAbove(new Set(offsets).size, 1)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("rate mode: the same seed gives the same start times, another seed other ones", () =>
    Effect.gen(function*() {
      const small = { ...options, maxRepetitions: 20 }
      const a = makeProbe()
      const b = makeProbe()
      const c = makeProbe()
      yield* Repeater.fork(a.task, { name: "a", ...small }).pipe(Random.withSeed(7))
      yield* Repeater.fork(b.task, { name: "b", ...small }).pipe(Random.withSeed(7))
      yield* Repeater.fork(c.task, { name: "c", ...small }).pipe(Random.withSeed(8))
      yield* TestClock.adjust("300 seconds")
      assert.strictEqual(a.starts.length, 20)
      assert.deepStrictEqual(b.starts, a.starts)
      assert.strictEqual(c.starts.length, 20)
      assert.notDeepEqual(c.starts, a.starts)
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))
})

describe("jitter (delay mode)", () => {
  const every = 10_000
  const jitter = 2_000
  const runs = 300
  const duration = 1_000
  // the latest the last run can end: each run lasts `duration`, then waits at most every + jitter
  const window = Duration.millis(runs * (duration + every + jitter))

  /** Checks that each start falls in [end + every, end + every + jitter) of the previous run; returns the offsets. */
  const checkDelayBounds = (probe: Probe): Array<number> => {
    assert.strictEqual(probe.starts.length, runs)
    assert.isAtLeast(probe.starts[0], 0)
    assert.isBelow(probe.starts[0], jitter)
    const offsets: Array<number> = []
    for (let k = 1; k < runs; k++) {
      const earliest = probe.ends[k - 1] + every
      assert.isAtLeast(probe.starts[k], earliest, `run ${k}`)
      assert.isBelow(probe.starts[k], earliest + jitter, `run ${k}`)
      offsets.push(probe.starts[k] - earliest)
    }
    return offsets
  }

  it.effect("each start falls in [end + every, end + every + jitter), with a seeded Random", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => duration })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "jittered", every: "10 seconds", jitter: "2 seconds", maxRepetitions: runs }
      ).pipe(Random.withSeed(42))
      yield* TestClock.adjust(window)
      assert.strictEqual((yield* handle.status).state, "completed")
      const offsets = checkDelayBounds(probe)
      // the jitter is really random across the whole range, not a constant
      assert.isAbove(new Set(offsets).size, runs * 0.9)
      assert.isBelow(Math.min(...offsets), jitter * 0.1)
      assert.isAbove(Math.max(...offsets), jitter * 0.9)
      assert.strictEqual(probe.maxConcurrent(), 1)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("each start falls in [end + every, end + every + jitter), with the default Random", () =>
    Effect.gen(function*() {
      const probe = makeProbe({ duration: () => duration })
      const handle = yield* Repeater.fork(
        probe.task,
        { name: "jittered", every: "10 seconds", jitter: "2 seconds", maxRepetitions: runs }
      )
      yield* TestClock.adjust(window)
      assert.strictEqual((yield* handle.status).state, "completed")
      const offsets = checkDelayBounds(probe)
      assert.isAbove(new Set(offsets).size, 1)
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("delay mode: the same seed gives the same start times, another seed other ones", () =>
    Effect.gen(function*() {
      const options = { every: "10 seconds", jitter: "2 seconds", maxRepetitions: 20 } as const
      const a = makeProbe({ duration: () => duration })
      const b = makeProbe({ duration: () => duration })
      const c = makeProbe({ duration: () => duration })
      yield* Repeater.fork(a.task, { name: "a", ...options }).pipe(Random.withSeed(7))
      yield* Repeater.fork(b.task, { name: "b", ...options }).pipe(Random.withSeed(7))
      yield* Repeater.fork(c.task, { name: "c", ...options }).pipe(Random.withSeed(8))
      yield* TestClock.adjust("300 seconds")
      assert.strictEqual(a.starts.length, 20)
      assert.deepStrictEqual(b.starts, a.starts)
      assert.strictEqual(c.starts.length, 20)
      assert.notDeepEqual(c.starts, a.starts)
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))
})
