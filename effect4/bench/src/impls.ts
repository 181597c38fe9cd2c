/**
 * The implementations measured on Effect 4, each able to start repeaters that run a no-op task, all wait-first: the
 * floor (a raw `setTimeout` chain, the same code as the Effect 3 line's), plain Effect 4 (a fiber per repeater on
 * `Schedule.spaced`, forked into one `Scope`) and the Effect 4 `Repeater` with its defaults (`Repeater.layer`,
 * `Repeater.fork` of every repeater into one `Scope`, closed to stop them).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import { rawChain } from "../../../packages/bench/src/harness/floor.js"
import type { Impl } from "../../../packages/bench/src/harness/Session.js"
import { Repeater } from "../../packages/core/src/index.js"

/** Resolves on the next turn of the event loop after the pending I/O and immediates. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Waits until `count()` reaches `target`, turning the event loop in between (forked fibers start on it). */
const armed = async (count: () => number, target: number): Promise<void> => {
  while (count() < target) await nextTurn()
}

const range = (from: number, to: number): Array<number> => {
  const out = new Array<number>(to - from)
  for (let i = from; i < to; i++) out[i - from] = i
  return out
}

/** Plain Effect 4: one fiber per repeater, `Effect.schedule` (wait-first) on `Schedule.spaced`. */
const effectSpaced: Impl = {
  contract: "delay",
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
                Effect.andThen(
                  Effect.sync(() => {
                    armedCount++
                    onArm(i)
                  }),
                  Effect.schedule(Effect.sync(() => task(i)), Schedule.spaced(Duration.millis(intervalMs)))
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
}

/** The Effect 4 `Repeater` in delay mode (its default), `waitFirst: true`, its other options left to their defaults. */
const repeaterDelay: Impl = {
  contract: "delay",
  resolution: "ms",
  setup: async () => {
    const runtime = ManagedRuntime.make(Repeater.layer)
    await runtime.context()
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
                  return Repeater.fork(Effect.sync(() => task(i)), {
                    name: `r${i}`,
                    every: intervalMs,
                    waitFirst: true
                  })
                }),
              { discard: true }
            ).pipe(Scope.provide(scope))
          ),
        stop: () => runtime.runPromise(Scope.close(scope, Exit.void))
      }
    }
  }
}

/** Every implementation by row id (the ids of the Effect 3 line's rows of the same code). */
export const impls: Record<string, Impl> = {
  raw: rawChain,
  effectSpaced,
  repeaterDelay
}
