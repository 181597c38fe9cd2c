/**
 * One measurement of the node-workers benchmark, in a fresh process; prints `RESULT <json>`.
 *
 * - `lag <inline|worker> <seconds>`: event-loop delay of the main thread while a 200 ms blocking job runs every
 *   250 ms, in the main thread or in a worker thread;
 * - `kill <timeouts>`: a repeater whose run (a runaway function in a worker) times out after 100 ms, `timeouts`
 *   times: how long the function kept running after the timeout, when the run ended, when a fresh thread served.
 */
import { Repeater } from "@effect-repeater/core"
import * as WorkerPool from "@effect-repeater/node/WorkerPool"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { Block, busy, type Requests, Spin } from "./nodeWorkersWorker.js"

const workerFile = new URL("./nodeWorkersWorker.ts", import.meta.url)
const jobMs = 200
const every = Duration.millis(250)
const runTimeout = 100

const now = () => performance.timeOrigin + performance.now()

const lag = (where: "inline" | "worker", seconds: number) =>
  Effect.gen(function*() {
    const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 1 })
    // the thread is started and warm before measuring
    yield* pool.execute(new Block({ ms: 1 }))
    const job = where === "inline" ? Effect.sync(() => busy(jobMs)) : pool.execute(new Block({ ms: jobMs }))
    const histogram = monitorEventLoopDelay({ resolution: 1 })
    histogram.enable()
    const handle = yield* Repeater.fork(job, { name: "blocking-job", every, mode: "rate" })
    yield* Effect.sleep(Duration.seconds(seconds))
    histogram.disable()
    const status = yield* handle.status
    yield* handle.stop()
    const ms = (ns: number) => ns / 1e6
    return {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      samples: histogram.count,
      runs: status.runs
    }
  })

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const kill = (timeouts: number) =>
  Effect.gen(function*() {
    const pool = yield* WorkerPool.make<Requests>({ path: workerFile, size: 1 })
    yield* pool.execute(new Block({ ms: 1 }))
    const stopped: Array<number> = []
    const ended: Array<number> = []
    const fresh: Array<number> = []
    for (let i = 0; i < timeouts; i++) {
      const alive = new SharedArrayBuffer(8)
      let startedAt = 0
      const handle = yield* Repeater.fork(
        Effect.suspend(() => {
          startedAt = now()
          return pool.execute(new Spin({ alive }))
        }),
        { name: `runaway-${i}`, every: "1 hour", timeout: Duration.millis(runTimeout), maxRepetitions: 1 }
      )
      yield* Effect.exit(handle.join)
      const endedAt = now()
      const timedOutAt = startedAt + runTimeout
      // the thread's last sign of life: it no longer runs after it is terminated
      yield* Effect.sleep("50 millis")
      const lastAlive = new Float64Array(alive)[0]
      stopped.push(lastAlive - timedOutAt)
      ended.push(endedAt - timedOutAt)
      yield* pool.execute(new Block({ ms: 1 }))
      fresh.push(now() - timedOutAt)
    }
    return { stopped: median(stopped), ended: median(ended), fresh: median(fresh) }
  })

const [mode, where, amount] = process.argv.slice(2)
const program: Effect.Effect<Record<string, number>, unknown, Repeater.Repeater | Scope.Scope> = mode === "lag" ?
  lag(where === "worker" ? "worker" : "inline", Number(amount)) :
  kill(Number(where))

Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(Repeater.layer))).then(
  (result) => {
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
    process.exit(0)
  },
  (error) => {
    process.stderr.write(`${error}\n`)
    process.exit(1)
  }
)
