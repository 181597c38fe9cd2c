import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as References from "effect/References"
import * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"

/**
 * The run a fiber belongs to (a token of the run, unique to it); inherited by
 * the run's child fibers, so that a repeater can tell that `stop` was called
 * from the run in flight (and not from a fiber an earlier run left behind).
 *
 * @internal
 */
export const CurrentRun = Context.Reference<object | undefined>("@effect-repeater/core/CurrentRun", {
  defaultValue: () => undefined
})

/**
 * The scheduled instant (wall-clock epoch milliseconds) of the run a fiber
 * belongs to: set as the run's fiber is forked, inherited by the run's child
 * fibers; `undefined` outside runs.
 *
 * @internal
 */
export const CurrentTick = Context.Reference<number | undefined>("@effect-repeater/core/CurrentTick", {
  defaultValue: () => undefined
})

/**
 * The scheduled instant of the run in flight, outside of which there is none.
 *
 * @internal
 */
export const tick: Effect.Effect<Option.Option<DateTime.Utc>> = Effect.map(
  Effect.service(CurrentTick),
  (millis): Option.Option<DateTime.Utc> =>
    millis === undefined ? Option.none() : Option.some(DateTime.makeUnsafe(millis))
)

/**
 * The log annotations of a repeater's runs but `run`: those of the context it
 * was forked with, and `repeater`.
 *
 * @internal
 */
export const repeaterLogAnnotations = (
  context: Context.Context<never>,
  name: string
): Readonly<Record<string, unknown>> => ({ ...Context.get(context, References.CurrentLogAnnotations), repeater: name })

/**
 * The context of a run's fiber, made once as it is forked: its Scope, the log
 * annotations `repeater` and `run`, `CurrentRun` and `CurrentTick` (`tick`:
 * the run's scheduled instant on the wall clock).
 *
 * @internal
 */
export const runContext = <R>(
  context: Context.Context<R>,
  annotations: Readonly<Record<string, unknown>>,
  run: number,
  token: object,
  scope: Scope.Scope,
  tick: number
): Context.Context<R | Scope.Scope> =>
  Context.merge(
    context,
    Context.make(Scope.Scope, scope).pipe(
      Context.add(References.CurrentLogAnnotations, { ...annotations, run }),
      Context.add(CurrentRun, token),
      Context.add(CurrentTick, tick)
    )
  )

/**
 * Effect's native tracer records spans nowhere; runs are traced only when
 * another tracer (OpenTelemetry, a test tracer) is installed.
 *
 * @internal
 */
export const isTraced = (context: Context.Context<never>): boolean =>
  Context.get(context, Tracer.Tracer) !== Tracer.nativeTracer
