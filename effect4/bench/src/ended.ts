/**
 * What repeaters leave behind once they ended, on the Effect 4 line: the same measurement as the Effect 3 line's
 * (`packages/bench/src/scenario/ended.ts`). `n` uniquely named repeaters, each forked with `Repeater.fork`, run once
 * and end; the heap after they all ended, minus the heap before. `shared`: all forked into one Scope that stays
 * open; `own`: each forked into a Scope of its own, closed once it ended (`Effect.scoped` around the fork and `join`),
 * 1,000 at a time.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Scope from "effect/Scope"
import { Repeater } from "../../packages/core/src/index.js"

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Forks `count` repeaters named `prefix-i` that run once after 1 ms, into `scope`, and waits until all ended. */
const runOnce = async (
  runtime: ManagedRuntime.ManagedRuntime<Repeater.Repeater, never>,
  scope: Scope.Scope,
  variant: "shared" | "own",
  prefix: string,
  count: number
) => {
  const fork = (i: number) =>
    Repeater.fork(Effect.void, { name: `${prefix}-${i}`, every: 1, maxRepetitions: 1, waitFirst: true })
  await runtime.runPromise(
    variant === "shared" ?
      Effect.forEach(Array.from({ length: count }, (_, i) => i), fork, { discard: true }).pipe(Scope.provide(scope)) :
      Effect.forEach(
        Array.from({ length: count }, (_, i) => i),
        (i) => Effect.scoped(Effect.flatMap(fork(i), (handle) => handle.join)),
        { concurrency: 1000, discard: true }
      )
  )
  while ((await runtime.runPromise(Repeater.list)).length > 0) await nextTurn()
}

/** The heap the ended repeaters leave, in bytes, after two GCs (`gc` from `--expose-gc`). */
export const endedHeap = async (n: number, variant: "shared" | "own", gc: () => void): Promise<number> => {
  const runtime = ManagedRuntime.make(Repeater.layer)
  await runtime.context()
  const scope = Effect.runSync(Scope.make())
  await runOnce(runtime, scope, variant, "warm-up", 200)
  gc()
  gc()
  const before = process.memoryUsage().heapUsed
  await runOnce(runtime, scope, variant, "job", n)
  // let the fibers of the last runs end
  for (let i = 0; i < 10; i++) await nextTurn()
  gc()
  gc()
  const after = process.memoryUsage().heapUsed
  await runtime.runPromise(Scope.close(scope, Exit.void))
  await runtime.dispose()
  return after - before
}
