/**
 * The implementations under test, each able to start repeaters that run a no-op task, all wait-first.
 */
import { Repeater } from "@effect-repeater/core"
import { Cron } from "croner"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import { SimpleIntervalJob, Task, ToadScheduler } from "toad-scheduler"
import { nodeTimers, rawChain } from "../harness/floor.js"
import type { Impl } from "../harness/Session.js"
import { everyTrigger, KernelRepeater, makeDispatcher } from "./kernelRepeater.js"

const now = () => performance.now()

/** Resolves on the next turn of the event loop after the pending I/O and immediates. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

const rawRate = nodeTimers("rate", (timers, i, intervalMs, task, onArm) => {
  const t0 = now()
  let k = 1
  const tick = () => {
    task(i)
    const elapsed = now() - t0
    // the next grid point after now: ticks missed by an overrun are skipped
    k = Math.max(k + 1, Math.floor(elapsed / intervalMs) + 1)
    timers[i] = setTimeout(tick, Math.max(0, t0 + k * intervalMs - now()))
  }
  onArm(i)
  timers[i] = setTimeout(tick, intervalMs)
})

const interval = nodeTimers("rate", (timers, i, intervalMs, task, onArm) => {
  onArm(i)
  timers[i] = setInterval(() => task(i), intervalMs)
})

const toad: Impl = {
  contract: "rate",
  resolution: "ms",
  setup: async () => () => {
    const scheduler = new ToadScheduler()
    return {
      start: async (from, to, intervalMs, task, onArm) => {
        for (let i = from; i < to; i++) {
          onArm(i)
          scheduler.addSimpleIntervalJob(
            new SimpleIntervalJob({ milliseconds: intervalMs }, new Task("tick", () => task(i)))
          )
        }
      },
      stop: async () => scheduler.stop()
    }
  }
}

/** croner has a resolution of one second: every second, or every hour at minute 0 for the idle scenarios. */
const croner: Impl = {
  contract: "rate",
  resolution: "second",
  setup: async () => () => {
    const jobs: Array<Cron> = []
    return {
      start: async (from, to, intervalMs, task, onArm) => {
        const pattern = intervalMs >= 3_600_000 ? "0 0 * * * *" : "* * * * * *"
        for (let i = from; i < to; i++) {
          onArm(i)
          jobs[i] = new Cron(pattern, () => task(i))
        }
      },
      stop: async () => {
        for (const job of jobs) job.stop()
        jobs.length = 0
      }
    }
  }
}

/** Waits until `count()` reaches `target`, turning the event loop in between (forked fibers start on it). */
const armed = async (count: () => number, target: number): Promise<void> => {
  while (count() < target) await nextTurn()
}

const effectFiberEach = (
  schedule: (intervalMs: number) => Schedule.Schedule<unknown>,
  contract: "delay" | "rate"
): Impl => ({
  contract,
  resolution: "ms",
  setup: async () => () => {
    const scope = Effect.runSync(Scope.make())
    let armedCount = 0
    return {
      start: async (from, to, intervalMs, task, onArm) => {
        const target = armedCount + (to - from)
        await Effect.runPromise(
          Effect.forEach(
            range(from, to),
            (i) =>
              Effect.forkIn(
                Effect.zipRight(
                  Effect.sync(() => {
                    armedCount++
                    onArm(i)
                  }),
                  Effect.schedule(Effect.sync(() => task(i)), schedule(intervalMs))
                ),
                scope
              ),
            { discard: true }
          )
        )
        await armed(() => armedCount, target)
      },
      stop: () => Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }
})

const range = (from: number, to: number): Array<number> => {
  const out = new Array<number>(to - from)
  for (let i = from; i < to; i++) out[i - from] = i
  return out
}

const repeater = (mode: "delay" | "rate"): Impl => ({
  contract: mode,
  resolution: "ms",
  setup: async () => {
    const runtime = ManagedRuntime.make(Repeater.layer)
    await runtime.runtime()
    return () => {
      const scope = Effect.runSync(Scope.make())
      return {
        start: (from, to, intervalMs, task, onArm) =>
          runtime.runPromise(
            Effect.forEach(
              range(from, to),
              (i) =>
                Effect.suspend(() => {
                  onArm(i)
                  return Repeater.fork(
                    Effect.sync(() => task(i)),
                    { name: `r${i}`, every: intervalMs, mode, waitFirst: true }
                  )
                }),
              { discard: true }
            ).pipe(Scope.extend(scope))
          ),
        stop: () => runtime.runPromise(Scope.close(scope, Exit.void))
      }
    }
  }
})

/** `Repeater.forkAll`: each batch of the scenario in one call, into one `Scope`. */
const repeaterBatch = (mode: "delay" | "rate"): Impl => ({
  contract: mode,
  resolution: "ms",
  setup: async () => {
    const runtime = ManagedRuntime.make(Repeater.layer)
    await runtime.runtime()
    return () => {
      const scope = Effect.runSync(Scope.make())
      return {
        start: (from, to, intervalMs, task, onArm) =>
          runtime.runPromise(
            Effect.suspend(() => {
              // onArm just before the call: the first runs are planned in it
              for (let i = from; i < to; i++) onArm(i)
              return Repeater.forkAll(
                range(from, to).map((i) =>
                  [
                    Effect.sync(() => task(i)),
                    { name: `r${i}`, every: intervalMs, mode, waitFirst: true }
                  ] as const
                )
              )
            }).pipe(Effect.asVoid, Scope.extend(scope))
          ),
        stop: () => runtime.runPromise(Scope.close(scope, Exit.void))
      }
    }
  }
})

/** The kernel alone, driving plain callbacks: one dispatcher per session. */
const kernel = (mode: "delay" | "rate"): Impl => ({
  contract: mode,
  resolution: "ms",
  setup: async () => () => {
    const dispatcher = makeDispatcher()
    const repeaters: Array<KernelRepeater> = []
    return {
      start: async (from, to, intervalMs, task, onArm) => {
        const trigger = everyTrigger(mode, intervalMs)
        for (let i = from; i < to; i++) {
          onArm(i)
          const repeater = new KernelRepeater(dispatcher, trigger, () => task(i))
          repeaters[i] = repeater
          repeater.start(intervalMs)
        }
      },
      stop: async () => {
        dispatcher.unscheduleAll(repeaters)
        for (const repeater of repeaters) repeater.stop()
        repeaters.length = 0
      }
    }
  }
})

/** Every implementation by row id. */
export const impls: Record<string, Impl> = {
  raw: rawChain,
  rawRate,
  interval,
  toad,
  croner,
  effectSpaced: effectFiberEach((ms) => Schedule.spaced(Duration.millis(ms)), "delay"),
  effectFixed: effectFiberEach((ms) => Schedule.fixed(Duration.millis(ms)), "rate"),
  repeaterDelay: repeater("delay"),
  repeaterRate: repeater("rate"),
  repeaterBatchDelay: repeaterBatch("delay"),
  kernelDelay: kernel("delay"),
  kernelRate: kernel("rate")
}
