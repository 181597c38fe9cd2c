import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import { globalValue } from "effect/GlobalValue"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import type * as Runtime from "effect/Runtime"
import type * as Tracer from "effect/Tracer"

/**
 * The id of the run fiber a fiber belongs to; inherited by the run's child
 * fibers, so that a repeater can tell that `stop` was called from the run in
 * flight (and not from a fiber an earlier run left behind).
 *
 * @internal
 */
export const currentRun = globalValue(
  Symbol.for("@effect-repeater/core/currentRun"),
  () => FiberRef.unsafeMake<FiberId.FiberId | undefined>(undefined)
)

/**
 * The scheduled instant (wall-clock epoch milliseconds) of the run a fiber
 * belongs to: set as the run's fiber is forked, inherited by the run's child
 * fibers; `undefined` outside runs.
 *
 * @internal
 */
export const currentTick = globalValue(
  Symbol.for("@effect-repeater/core/currentTick"),
  () => FiberRef.unsafeMake<number | undefined>(undefined)
)

/**
 * The scheduled instant of the run in flight, outside of which there is none.
 *
 * @internal
 */
export const tick: Effect.Effect<Option.Option<DateTime.Utc>> = Effect.map(
  FiberRef.get(currentTick),
  (millis) => millis === undefined ? Option.none() : Option.some(DateTime.unsafeMake(millis))
)

/**
 * The log annotations of a repeater's runs but `run`: those of the runtime it
 * was forked with, and `repeater`.
 *
 * @internal
 */
export const repeaterLogAnnotations = (
  refs: FiberRefs.FiberRefs,
  name: string
): HashMap.HashMap<string, unknown> =>
  HashMap.set(FiberRefs.getOrDefault(refs, FiberRef.currentLogAnnotations), "repeater", name)

/**
 * The FiberRefs of a run's fiber, set once as it is forked: the log
 * annotations `repeater` and `run`, `currentRun` and `currentTick` (`tick`:
 * the run's scheduled instant on the wall clock). Cheaper than
 * `Effect.annotateLogs` in the run, which copies the FiberRefs twice more.
 * (The refs given here are already the new fiber's, forked by `runFork`:
 * they are only updated.)
 *
 * @internal
 */
export const runFiberRefs = (annotations: HashMap.HashMap<string, unknown>, run: number, tick: number) =>
(
  refs: FiberRefs.FiberRefs,
  fiberId: FiberId.Runtime
): FiberRefs.FiberRefs =>
  FiberRefs.updateManyAs(refs, {
    entries: [
      [FiberRef.currentLogAnnotations, [[fiberId, HashMap.set(annotations, "run", run)]]],
      [currentRun, [[fiberId, fiberId]]],
      [currentTick, [[fiberId, tick]]]
    ]
  })

/**
 * Effect's built-in tracer records spans nowhere; runs are traced only when
 * another tracer (OpenTelemetry, a test tracer) is installed.
 *
 * @internal
 */
export const isBuiltInTracer = (tracer: Tracer.Tracer): boolean => tracer === builtInTracer()

const builtInTracer = (): Tracer.Tracer =>
  globalValue(Symbol.for("@effect-repeater/core/builtInTracer"), () => Effect.runSync(Effect.tracer))

/**
 * Whether two runtimes are interchangeable: same context, flags and FiberRef
 * values. Repeaters forked from the same fiber in a row share one runtime
 * (each `Effect.runtime()` copies the FiberRefs).
 *
 * @internal
 */
export const isSameRuntime = <R>(
  shared: Runtime.Runtime<never>,
  candidate: Runtime.Runtime<R>
): shared is Runtime.Runtime<R> => {
  if (shared.context !== candidate.context || shared.runtimeFlags !== candidate.runtimeFlags) return false
  const a = shared.fiberRefs.locals
  const b = candidate.fiberRefs.locals
  if (a.size !== b.size) return false
  for (const [fiberRef, stack] of a) {
    const other = b.get(fiberRef)
    if (other === undefined || !sameStack(stack, other)) return false
  }
  return true
}

const sameStack = (
  a: ReadonlyArray<readonly [FiberId.Single, unknown]>,
  b: ReadonlyArray<readonly [FiberId.Single, unknown]>
): boolean => a === b || (a.length === b.length && a.every(([, value], i) => value === b[i][1]))
