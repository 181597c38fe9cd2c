import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as References from "effect/References"
import * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"

/**
 * The run a fiber belongs to: a token unique to the run, which holds the run's
 * scheduled instant (wall-clock epoch milliseconds). Inherited by the run's
 * child fibers, so that a repeater can tell that `stop` was called from the
 * run in flight (and not from a fiber an earlier run left behind), and so that
 * `tick` is the run's; `undefined` outside runs.
 *
 * @internal
 */
export const CurrentRun = Context.Reference<RunToken | undefined>("@effect-repeater/core/CurrentRun", {
  defaultValue: () => undefined
})

/**
 * A run's token (see `CurrentRun`).
 *
 * @internal
 */
export interface RunToken {
  readonly tick: number
}

/**
 * The scheduled instant of the run in flight, outside of which there is none.
 *
 * @internal
 */
export const tick: Effect.Effect<Option.Option<DateTime.Utc>> = Effect.map(
  Effect.service(CurrentRun),
  (run): Option.Option<DateTime.Utc> => run === undefined ? Option.none() : Option.some(DateTime.makeUnsafe(run.tick))
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
 * annotations `repeater` and `run`, and its token (`CurrentRun`).
 *
 * @internal
 */
export const runContext = <R>(
  context: Context.Context<R>,
  annotations: Readonly<Record<string, unknown>>,
  run: number,
  token: RunToken,
  scope: Scope.Scope
): Context.Context<R | Scope.Scope> =>
  // added one by one to the repeater's context, not merged with a new one: each addition is a layer over the same
  // context (no copy of its services), and the fiber keeps the context cache the repeater's context has
  Context.add(
    Context.add(Context.add(context, Scope.Scope, scope), References.CurrentLogAnnotations, { ...annotations, run }),
    CurrentRun,
    token
  )

/**
 * Effect's native tracer records spans nowhere; runs are traced only when
 * another tracer (OpenTelemetry, a test tracer) is installed.
 *
 * @internal
 */
export const isTraced = (context: Context.Context<never>): boolean =>
  Context.get(context, Tracer.Tracer) !== Tracer.nativeTracer
