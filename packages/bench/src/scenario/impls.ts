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
import { everyTrigger, KernelRepeater, makeDispatcher } from "./kernelRepeater.js"

/** A set of repeaters of one implementation, started in batches and stopped together. */
export interface Session {
  /**
   * Starts the repeaters with indexes [from, to): each calls `onArm(i)` at the moment it arms its first wait and
   * `task(i)` on each tick. Resolves when every one of them waits for its first tick.
   */
  readonly start: (
    from: number,
    to: number,
    intervalMs: number,
    task: (i: number) => void,
    onArm: (i: number) => void
  ) => Promise<void>
  /** Stops every repeater of the session; resolves when all are stopped. */
  readonly stop: () => Promise<void>
}

/** One implementation. */
export interface Impl {
  /** `delay`: each start is `interval` after the previous end; `rate`: starts on the grid t0 + k·interval. */
  readonly contract: "delay" | "rate"
  /** `second`: only whole seconds (croner): runs at 1 s instead of the scenario's interval, lateness vs the second. */
  readonly resolution: "ms" | "second"
  /** Prepares what the sessions share (a service, a runtime) outside of the measured part. */
  readonly setup: () => Promise<() => Session>
}

const now = () => performance.now()

/** Resolves on the next turn of the event loop after the pending I/O and immediates. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * An implementation on Node timers: `arm` starts repeater `i`, calling `onArm(i)` as it arms the first wait, and keeps
 * the repeater's pending timer in `timers[i]`; stopping clears them all (`clearTimeout` clears intervals too).
 */
const nodeTimers = (
  contract: "delay" | "rate",
  arm: (
    timers: Array<NodeJS.Timeout>,
    i: number,
    intervalMs: number,
    task: (i: number) => void,
    onArm: (i: number) => void
  ) => void
): Impl => ({
  contract,
  resolution: "ms",
  setup: async () => () => {
    const timers: Array<NodeJS.Timeout> = []
    return {
      start: async (from, to, intervalMs, task, onArm) => {
        for (let i = from; i < to; i++) arm(timers, i, intervalMs, task, onArm)
      },
      stop: async () => {
        for (const timer of timers) clearTimeout(timer)
        timers.length = 0
      }
    }
  }
})

const rawChain = nodeTimers("delay", (timers, i, intervalMs, task, onArm) => {
  const tick = () => {
    task(i)
    timers[i] = setTimeout(tick, intervalMs)
  }
  onArm(i)
  timers[i] = setTimeout(tick, intervalMs)
})

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
