import { Repeater } from "@effect-repeater/core"
import { WorkerPool } from "@effect-repeater/node"
import { assert, describe, it } from "@effect/vitest"
import { Context, Duration, Effect, Exit, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import {
  Block,
  Double,
  Exit as ExitRequest,
  ExitLater,
  type Requests,
  Spin,
  Throw,
  Watch
} from "./fixtures/requests.js"

const workerFile = new URL("./fixtures/worker.ts", import.meta.url)

/** Real time, whatever the clock of the test: threads run in real time. */
const realSleep = (ms: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

/** Polls `check` in real time until it holds; fails the test after `deadlineMs`. */
const waitUntil = <E, R>(what: string, check: Effect.Effect<boolean, E, R>, deadlineMs = 30_000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + deadlineMs
    while (!(yield* check)) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting until ${what}`))
      yield* realSleep(20)
    }
  })

const readCounter = (counter: SharedArrayBuffer) => Atomics.load(new Int32Array(counter), 0)

/** Asserts that the thread that spins on `counter` is gone: the counter no longer grows. */
const assertStopped = (counter: SharedArrayBuffer) =>
  Effect.gen(function*() {
    const before = readCounter(counter)
    yield* realSleep(500)
    assert.strictEqual(readCounter(counter), before, "the runaway function is still running")
  })

/** Largest number of intervals that overlap at one instant. */
const maxOverlap = (intervals: ReadonlyArray<{ readonly startedAt: number; readonly endedAt: number }>) => {
  let max = 0
  for (const a of intervals) {
    const overlapping = intervals.filter((b) => b.startedAt <= a.startedAt && a.startedAt < b.endedAt).length
    max = Math.max(max, overlapping)
  }
  return max
}

const timeouts = 60_000

/** Starts `count` threads of a pool (they start on demand): `count` calls at once, then waits until all are up. */
const startThreads = (pool: WorkerPool.WorkerPool<Requests>, count: number) =>
  Effect.andThen(
    Effect.forEach(Array.from({ length: count }), () => pool.execute(Block, { ms: 300 }), {
      concurrency: "unbounded",
      discard: true
    }),
    waitUntil(`${count} threads started`, Effect.map(pool.threadIds, (_) => _.length === count))
  )

class Doubler extends Context.Service<Doubler, WorkerPool.WorkerPool<Requests>>()("Doubler") {}

describe("WorkerPool", () => {
  it.live("reuses its threads across calls", () =>
    Effect.gen(function*() {
      const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 1 })
      const served = yield* Effect.forEach([1, 2, 3, 4], () => pool.execute(Block, { ms: 5 }))
      const ids = new Set(served.map((_) => _.threadId))
      assert.strictEqual(ids.size, 1)
      assert.deepStrictEqual(yield* pool.threadIds, [...ids])
    }).pipe(Effect.scoped), timeouts)

  it.live("runs as many calls at once as its size, each thread one at a time", () =>
    Effect.gen(function*() {
      const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 2 })
      // threads start on demand: two calls at once start both
      yield* startThreads(pool, 2)
      const served = yield* Effect.forEach([1, 2, 3, 4, 5, 6], () => pool.execute(Block, { ms: 300 }), {
        concurrency: "unbounded"
      })
      assert.strictEqual(new Set(served.map((_) => _.threadId)).size, 2)
      assert.strictEqual(maxOverlap(served), 2)
      for (const threadId of new Set(served.map((_) => _.threadId))) {
        assert.strictEqual(maxOverlap(served.filter((_) => _.threadId === threadId)), 1)
      }
    }).pipe(Effect.scoped), timeouts)

  it.live("a pool of one thread serves concurrent calls one after the other", () =>
    Effect.gen(function*() {
      const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 1 })
      const served = yield* Effect.forEach([1, 2, 3], () => pool.execute(Block, { ms: 200 }), {
        concurrency: "unbounded"
      })
      assert.strictEqual(new Set(served.map((_) => _.threadId)).size, 1)
      assert.strictEqual(maxOverlap(served), 1)
    }).pipe(Effect.scoped), timeouts)

  it.live(
    "a call that times out terminates its thread, and a fresh thread serves the next call",
    () =>
      Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 1, timeout: "1 second" })
        const first = yield* pool.execute(Block, { ms: 1 })
        const counter = new SharedArrayBuffer(4)
        const startedAt = Date.now()
        const error = yield* Effect.flip(pool.execute(Spin, { counter }))
        // the pool terminates the thread itself, at once: well before the 5 s that Effect's worker gives a thread
        // to close before it kills it
        assert.isBelow(Date.now() - startedAt - 1000, 4000, "the thread was not terminated at once")
        assert.strictEqual(error._tag, "WorkerTimeoutError")
        if (error._tag === "WorkerTimeoutError") {
          assert.strictEqual(error.request, "Spin")
          assert.strictEqual(Duration.toMillis(error.timeout), 1000)
          assert.include(error.message, "timed out after 1s")
        }
        // it did spin (so a counter that stops growing means something), and it spins no more
        assert.isAbove(readCounter(counter), 0)
        yield* assertStopped(counter)
        assert.notInclude(yield* pool.threadIds, first.threadId)
        const next = yield* pool.execute(Block, { ms: 1 })
        assert.notStrictEqual(next.threadId, first.threadId)
        assert.deepStrictEqual(yield* pool.threadIds, [next.threadId])
      }).pipe(Effect.scoped),
    timeouts
  )

  it.live(
    "a per-call timeout overrides the pool's, and an interrupted call terminates its thread too",
    () =>
      Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 1 })
        const first = yield* pool.execute(Block, { ms: 1 })
        const counter = new SharedArrayBuffer(4)
        const invalid = yield* Effect.flip(pool.execute(Block, { ms: 1 }, { timeout: "0 millis" }))
        assert.strictEqual(invalid._tag, "WorkerPoolConfigError")
        const error = yield* Effect.flip(pool.execute(Spin, { counter }, { timeout: "300 millis" }))
        assert.strictEqual(error._tag, "WorkerTimeoutError")
        yield* assertStopped(counter)

        const second = yield* pool.execute(Block, { ms: 1 })
        assert.notStrictEqual(second.threadId, first.threadId)
        const counter2 = new SharedArrayBuffer(4)
        const fiber = yield* Effect.forkChild(pool.execute(Spin, { counter: counter2 }))
        yield* waitUntil("the call spins", Effect.sync(() => readCounter(counter2) > 0))
        yield* Fiber.interrupt(fiber)
        yield* assertStopped(counter2)
        const third = yield* pool.execute(Block, { ms: 1 })
        assert.notStrictEqual(third.threadId, second.threadId)
      }).pipe(Effect.scoped),
    timeouts
  )

  it.live(
    "an absolute path with characters that are special in URLs (#, %, space) is the file at that path",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "effect-repeater-"))
      const fixtures = join(dir, "a#b %41 c")
      symlinkSync(fileURLToPath(new URL("./fixtures", import.meta.url)), fixtures)
      return Effect.gen(function*() {
        const path = join(fixtures, "worker.ts")
        const pool = yield* WorkerPool.make<Requests>({ path })
        assert.strictEqual(pool.path, path)
        const served = yield* pool.execute(Block, { ms: 1 })
        assert.deepStrictEqual(yield* pool.threadIds, [served.threadId])
        const throwing = yield* WorkerPool.make<Requests>({ path: join(fixtures, "throwsAtLoad.ts") })
        const error = yield* Effect.flip(throwing.execute(Block, { ms: 1 }))
        assert.strictEqual(error._tag, "WorkerStartError")
        assert.include(error.message, `Worker ${join(fixtures, "throwsAtLoad.ts")} could not start`)
        assert.include(error.message, "the configuration file is missing")
      }).pipe(Effect.scoped, Effect.ensuring(Effect.sync(() => rmSync(dir, { recursive: true, force: true }))))
    },
    timeouts
  )

  it.live(
    "a worker file that does not exist fails the call at once with a WorkerStartError naming it",
    () =>
      Effect.gen(function*() {
        const path = "/nonexistent/effect-repeater/worker.js"
        const pool = yield* WorkerPool.make<Requests>({ path, size: 2 })
        // Effect's own pool retries such a worker every second, forever: this must fail well before the deadline
        const error = yield* Effect.flip(pool.execute(Block, { ms: 1 })).pipe(
          Effect.timeoutOrElse({ duration: "20 seconds", orElse: () => Effect.die(new Error("the call never failed")) })
        )
        assert.strictEqual(error._tag, "WorkerStartError")
        if (error._tag === "WorkerStartError") {
          assert.strictEqual(error.path, path)
          assert.include(error.message, `Worker ${path} could not start`)
          assert.include(error.message, "Cannot find module")
        }
        // and again on the next call: nothing is retried behind its back
        const again = yield* Effect.flip(pool.execute(Block, { ms: 1 }))
        assert.strictEqual(again._tag, "WorkerStartError")
      }).pipe(Effect.scoped),
    timeouts
  )

  it.live("a worker file that throws while it loads fails the call with its error", () =>
    Effect.gen(function*() {
      const url = new URL("./fixtures/throwsAtLoad.ts", import.meta.url)
      const pool = yield* WorkerPool.make<Requests>({ path: url })
      const error = yield* Effect.flip(pool.execute(Block, { ms: 1 }))
      assert.strictEqual(error._tag, "WorkerStartError")
      if (error._tag === "WorkerStartError") {
        assert.strictEqual(error.path, url.pathname)
        assert.include(error.message, "the configuration file is missing")
      }
    }).pipe(Effect.scoped), timeouts)

  it.live(
    "a worker file that never serves requests fails the call with a WorkerStartError",
    () =>
      Effect.gen(function*() {
        const url = new URL("./fixtures/neverServes.ts", import.meta.url)
        const pool = yield* WorkerPool.make<Requests>({ path: url })
        const error = yield* Effect.flip(pool.execute(Block, { ms: 1 }))
        assert.strictEqual(error._tag, "WorkerStartError")
        assert.include(error.message, "exited with code 0 before it served requests")
      }).pipe(Effect.scoped),
    timeouts
  )

  it.live(
    "a worker that does not start within startTimeout fails the call, and its thread is terminated",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "effect-repeater-"))
      return Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({
          path: new URL("./fixtures/hangsAtLoad.mjs", import.meta.url),
          startTimeout: "5 seconds",
          workerOptions: { env: { ...process.env, HEARTBEAT_DIR: dir } }
        })
        const startedAt = Date.now()
        const error = yield* Effect.flip(pool.execute(Block, { ms: 1 }))
        // the pool terminates the thread itself, at once: well before the 5 s that Effect's worker gives a thread
        // to close before it kills it
        assert.isBelow(Date.now() - startedAt - 5000, 4000, "the thread was not terminated at once")
        assert.strictEqual(error._tag, "WorkerStartError")
        assert.include(error.message, "the thread did not serve requests within 5s")
        // the first thread (the pool may already try a second one in the background) was running, so a heartbeat
        // that stops means something, and it runs no more
        const first = Math.min(...readdirSync(dir).map(Number))
        assert.isTrue(Number.isInteger(first))
        const heartbeat = join(dir, String(first))
        const before = readFileSync(heartbeat, "utf8")
        yield* realSleep(500)
        assert.strictEqual(readFileSync(heartbeat, "utf8"), before, "the thread still runs")
      }).pipe(
        Effect.scoped,
        // after the Scope has closed: no thread of the pool writes there any more
        Effect.ensuring(Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
      )
    },
    timeouts
  )

  it.live(
    "an error thrown by the worker function reaches the caller with its message; the thread stays",
    () =>
      Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({ path: workerFile })
        const before = yield* pool.execute(Block, { ms: 1 })
        const error = yield* Effect.flip(pool.execute(Throw, { message: "disk quota exceeded" }))
        assert.strictEqual(error._tag, "WorkerFunctionError")
        if (error._tag === "WorkerFunctionError") {
          assert.strictEqual(error.request, "Throw")
          assert.include(error.message, "disk quota exceeded")
          assert.instanceOf(error.cause, Error)
        }
        const after = yield* pool.execute(Block, { ms: 1 })
        assert.strictEqual(after.threadId, before.threadId)
      }).pipe(Effect.scoped),
    timeouts
  )

  it.live(
    "the request's own typed failure arrives decoded (a pool from WorkerPool.layer)",
    () =>
      Effect.gen(function*() {
        const pool = yield* Doubler
        assert.strictEqual(yield* pool.execute(Double, { n: 4 }), 8)
        const error = yield* Effect.flip(pool.execute(Double, { n: 11 }))
        assert.strictEqual(error._tag, "TooBig")
        if (error._tag === "TooBig") assert.strictEqual(error.limit, 10)
      }).pipe(Effect.provide(WorkerPool.layer(Doubler, { path: workerFile }))),
    timeouts
  )

  it.live(
    "a thread that exits during a call fails it with a WorkerCrashError; a fresh thread takes its place",
    () =>
      Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({ path: workerFile })
        const before = yield* pool.execute(Block, { ms: 1 })
        const error = yield* Effect.flip(pool.execute(ExitRequest, { code: 3 }))
        assert.strictEqual(error._tag, "WorkerCrashError")
        if (error._tag === "WorkerCrashError") {
          assert.strictEqual(error.request, "Exit")
          assert.strictEqual(error.exitCode, 3)
        }
        const after = yield* pool.execute(Block, { ms: 1 })
        assert.notStrictEqual(after.threadId, before.threadId)
      }).pipe(Effect.scoped),
    timeouts
  )

  it.live(
    "a thread that ends by itself while idle leaves the pool; the next call starts a fresh one",
    () =>
      Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({ path: workerFile })
        const ending = yield* pool.execute(ExitLater, { ms: 100 })
        yield* waitUntil("it left the pool", Effect.map(pool.threadIds, (ids) => !ids.includes(ending)))
        const next = yield* pool.execute(Block, { ms: 1 })
        assert.notStrictEqual(next.threadId, ending)
      }).pipe(Effect.scoped),
    timeouts
  )

  it.live("closing its Scope waits for the calls in flight, then ends every thread", () =>
    Effect.gen(function*() {
      const exits = new SharedArrayBuffer(4)
      const watched = new Set<number>()
      const served = yield* Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 2 })
        yield* startThreads(pool, 2)
        const ids = yield* Effect.forEach([1, 2], () => pool.execute(Watch, { exits }), {
          concurrency: "unbounded"
        })
        ids.forEach((id) => watched.add(id))
        // a call in flight when the Scope closes (the forked call reaches its thread before this fiber resumes)
        const fiber = yield* Effect.forkChild(pool.execute(Block, { ms: 500 }))
        yield* Effect.yieldNow
        return fiber
      }).pipe(Effect.scoped)
      assert.strictEqual(watched.size, 2)
      assert.strictEqual(readCounter(exits), 2)
      const exit = yield* Fiber.await(served)
      assert.isTrue(Exit.isSuccess(exit))
    }), timeouts)

  it.effect("invalid options fail with a WorkerPoolConfigError naming the option and the value", () =>
    Effect.gen(function*() {
      const relative = yield* Effect.flip(WorkerPool.make<Requests>({ path: "./worker.js" }))
      assert.strictEqual(relative.field, "path")
      assert.strictEqual(relative.value, "./worker.js")
      assert.include(relative.message, "\"./worker.js\"")
      const size = yield* Effect.flip(WorkerPool.make<Requests>({ path: workerFile, size: 0 }))
      assert.strictEqual(size.field, "size")
      assert.strictEqual(size.value, 0)
      assert.include(size.message, "Invalid worker pool option \"size\": 0 must be a whole number, 1 or more")
      const timeout = yield* Effect.flip(WorkerPool.make<Requests>({ path: workerFile, timeout: "-1 seconds" }))
      assert.strictEqual(timeout.field, "timeout")
      const start = yield* Effect.flip(WorkerPool.make<Requests>({ path: workerFile, startTimeout: "0 millis" }))
      assert.strictEqual(start.field, "startTimeout")
    }).pipe(Effect.scoped))
})

describe("WorkerPool in a Repeater (TestClock)", () => {
  it.effect("the runs of a repeater reuse the pool's thread, on the virtual schedule", () =>
    Effect.gen(function*() {
      const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 1 })
      const runs: Array<{ readonly at: number; readonly threadId: number }> = []
      const handle = yield* Repeater.fork(
        Effect.gen(function*() {
          const at = yield* Effect.clockWith((clock) => Effect.sync(() => clock.currentTimeMillisUnsafe()))
          const served = yield* pool.execute(Block, { ms: 20 })
          runs.push({ at, threadId: served.threadId })
        }),
        { name: "blocking", every: "10 seconds", maxRepetitions: 3 }
      )
      for (let i = 1; i <= 3; i++) {
        yield* TestClock.adjust("0 millis")
        yield* waitUntil(`run ${i} ended`, Effect.map(handle.status, (_) => _.runs === i && !_.inFlight))
        if (i < 3) yield* TestClock.adjust("10 seconds")
      }
      yield* handle.join
      assert.deepStrictEqual(runs.map((_) => _.at), [0, 10_000, 20_000])
      assert.strictEqual(new Set(runs.map((_) => _.threadId)).size, 1)
    }).pipe(Effect.provide(Repeater.layer)), timeouts)

  it.effect(
    "the repeater's timeout terminates the runaway thread, and the next run gets a fresh one",
    () =>
      Effect.gen(function*() {
        const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 1 })
        const counter = new SharedArrayBuffer(4)
        const served: Array<number> = []
        let run = 0
        const handle = yield* Repeater.fork(
          Effect.suspend(() => {
            run++
            return run === 1 ?
              Effect.asVoid(pool.execute(Spin, { counter })) :
              Effect.map(pool.execute(Block, { ms: 1 }), (_) => {
                served.push(_.threadId)
              })
          }),
          { name: "runaway", every: "10 seconds", timeout: "5 seconds", maxRepetitions: 2 }
        )
        yield* TestClock.adjust("0 millis")
        yield* waitUntil("the first run spins", Effect.sync(() => readCounter(counter) > 0))
        // the first run started the pool's thread
        const [first] = yield* pool.threadIds
        // virtual time reaches the run's timeout while the thread really spins
        yield* TestClock.adjust("5 seconds")
        yield* waitUntil("the first run failed", Effect.map(handle.status, (_) => _.failures === 1 && !_.inFlight))
        const status = yield* handle.status
        assert.include(Option.getOrElse(status.lastFailure, () => ""), "timed out after 5s")
        yield* assertStopped(counter)
        assert.notInclude(yield* pool.threadIds, first)

        yield* TestClock.adjust("10 seconds")
        yield* waitUntil("the second run ended", Effect.map(handle.status, (_) => _.runs === 2 && !_.inFlight))
        const exit = yield* Effect.exit(handle.join)
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(served.length, 1)
        assert.notStrictEqual(served[0], first)
      }).pipe(Effect.provide(Repeater.layer)),
    timeouts
  )
})
