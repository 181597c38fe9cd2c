/**
 * The `Repeater` service: runs effects periodically, every interval, on a cron
 * expression or on any `Schedule`, with the lifetime of a Scope or a Layer.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { validate, validateGrace } from "./internal/config.js"
import * as internal from "./internal/service.js"
import { RepeaterConfigError } from "./RepeaterError.js"
import type { RepeaterNotFoundError, RepeaterTimeoutError } from "./RepeaterError.js"
import type { RepeaterEvent } from "./RepeaterEvent.js"
import type { RepeaterHandle, RepeaterStatus } from "./RepeaterHandle.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * The options of one repeater. Give exactly one of `every`, `cron` and
 * `schedule`. Every option is checked when the repeater is started: a wrong
 * value fails with a `RepeaterConfigError` that names the option and the value.
 *
 * @since 0.1.0
 * @category models
 */
export interface RepeaterOptions<E = never> {
  /** Unique within the service while the repeater runs. */
  readonly name: string
  /** Run every interval; see `mode`. */
  readonly every?: Duration.DurationInput | undefined
  /**
   * With `every`:
   * - `"delay"` (default): each run starts `every` after the previous one ended;
   * - `"rate"`: runs start on the grid t0 + k·every (t0 is the first run's
   *   scheduled start), without drift. A run that overruns is followed at once
   *   by exactly one run; the other missed ticks are skipped and counted.
   */
  readonly mode?: "delay" | "rate" | undefined
  /**
   * A cron expression (5 fields, or 6 with seconds first). The first run is at
   * the first match after the start; matches missed during a run are skipped
   * and counted, never replayed.
   */
  readonly cron?: string | undefined
  /**
   * The IANA time zone of `cron`, such as `"Europe/Berlin"`. Defaults to the
   * process's named local zone, so that daylight-saving changes neither
   * double-fire nor skip a day.
   */
  readonly timeZone?: string | undefined
  /**
   * Any Effect `Schedule`: the first run starts at once (unless `initialDelay`
   * or `waitFirst`), each later delay comes from stepping the schedule after a
   * run ends, as `Effect.repeat` does; the repeater completes when the
   * schedule is done. The schedule's input is `undefined`.
   */
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
  /** Delay before the first run; default 0: the first run starts at once. */
  readonly initialDelay?: Duration.DurationInput | undefined
  /**
   * Wait one period before the first run: `every`, or the schedule's first
   * step. Not valid with `cron` (which always waits for its first match) nor
   * together with `initialDelay`.
   */
  readonly waitFirst?: boolean | undefined
  /** How many runs at most (failed and `runNow` runs count); then the repeater completes. */
  readonly maxRepetitions?: number | undefined
  /**
   * - `"continue"` (default): a failed run is logged at Error level with its
   *   full Cause (annotated with the repeater's name and run index) and the
   *   schedule goes on;
   * - `"stop"`: the repeater ends failed, and `join` fails with the error.
   *
   * Typed failures and defects follow the same rule; an interrupted run is
   * not a failure.
   */
  readonly onError?: "continue" | "stop" | undefined
  /** Retries within one run before it counts as failed. */
  readonly retry?: Schedule.Schedule<unknown, NoInfer<E> | RepeaterTimeoutError> | undefined
  /**
   * Longest duration of a run (of each retry attempt): the run is interrupted
   * and fails with a `RepeaterTimeoutError`; the schedule goes on.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * Each start falls at a random point in [t, t + jitter), never accumulating.
   * With `every` it must be shorter than `every`.
   */
  readonly jitter?: Duration.DurationInput | undefined
  /** How long an in-flight run may finish when the repeater is stopped; defaults to the service's `defaultGrace`. */
  readonly grace?: Duration.DurationInput | undefined
}

/**
 * Settings of a `Repeater` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface RepeaterSettings {
  /** The stop grace of repeaters that do not set `grace`. Default: 30 seconds. */
  readonly defaultGrace?: Duration.DurationInput | undefined
  /**
   * How many events a slow `events` subscriber may fall behind before the
   * oldest are dropped for it. Default: 4096.
   */
  readonly eventBufferSize?: number | undefined
}

/**
 * The service's operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface RepeaterService {
  /**
   * Starts a repeater in the current Scope and returns at once with its
   * handle; closing the Scope stops it gracefully.
   */
  readonly fork: <A, E, R>(
    options: RepeaterOptions<NoInfer<E>>,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Scope.Scope | R>
  /** The status of every repeater of this service that has not ended. */
  readonly list: Effect.Effect<ReadonlyArray<RepeaterStatus>>
  /** The handle of a repeater by name. */
  readonly get: (name: string) => Effect.Effect<RepeaterHandle, RepeaterNotFoundError>
  /** Run started / succeeded / failed, tick skipped, stopped, completed and failed events of every repeater. */
  readonly events: Stream.Stream<RepeaterEvent>
}

// -----------------------------------------------------------------------------
// the service
// -----------------------------------------------------------------------------

const defaultSettings: internal.ServiceSettings = { defaultGrace: Duration.seconds(30), eventBufferSize: 4096 }

const validateSettings = (settings: RepeaterSettings): Effect.Effect<internal.ServiceSettings, RepeaterConfigError> =>
  Effect.suspend(() => {
    let defaultGrace = defaultSettings.defaultGrace
    if (settings.defaultGrace !== undefined) {
      const decoded = validateGrace(undefined, settings.defaultGrace, "defaultGrace")
      if (Either.isLeft(decoded)) return Effect.fail(decoded.left)
      defaultGrace = decoded.right
    }
    const eventBufferSize = settings.eventBufferSize ?? defaultSettings.eventBufferSize
    if (!Number.isSafeInteger(eventBufferSize) || eventBufferSize < 1) {
      return Effect.fail(
        new RepeaterConfigError({
          repeater: undefined,
          field: "eventBufferSize",
          value: settings.eventBufferSize,
          reason: "is not valid: it must be a whole number, 1 or more"
        })
      )
    }
    return Effect.succeed({ defaultGrace, eventBufferSize })
  })

/**
 * The `Repeater` service. It owns every repeater started through it: when its
 * Layer's scope closes, all of them are stopped gracefully before the release
 * completes.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const handle = yield* Repeater.fork(
 *     { name: "cleanup", every: "1 hour" },
 *     Effect.log("removing expired tokens")
 *   )
 *   yield* handle.join
 * })
 *
 * Effect.runFork(program.pipe(Effect.scoped, Effect.provide(Repeater.layer)))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class Repeater extends Context.Tag("@effect-repeater/core/Repeater")<Repeater, RepeaterService>() {
  /**
   * Makes a `Repeater` service in the current Scope.
   *
   * @since 0.1.0
   * @category constructors
   */
  static readonly make = (
    settings: RepeaterSettings = {}
  ): Effect.Effect<RepeaterService, RepeaterConfigError, Scope.Scope> =>
    Effect.flatMap(validateSettings(settings), internal.make)

  /**
   * The service with its default settings (30 seconds of stop grace).
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer: Layer.Layer<Repeater> = Layer.scoped(Repeater, internal.make(defaultSettings))

  /**
   * The service with the given settings; invalid settings fail the Layer
   * with a `RepeaterConfigError`.
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerWith = (settings: RepeaterSettings): Layer.Layer<Repeater, RepeaterConfigError> =>
    Layer.scoped(Repeater, Repeater.make(settings))

  /**
   * The service with settings read from Effect `Config`; a missing or invalid
   * value fails the Layer with a `ConfigError` or a `RepeaterConfigError`.
   *
   * @example
   * ```ts
   * import { Repeater } from "@effect-repeater/core"
   * import { Config } from "effect"
   *
   * // REPEATER_DEFAULT_GRACE="10 seconds"
   * const RepeaterLive = Repeater.layerConfig({
   *   defaultGrace: Config.duration("REPEATER_DEFAULT_GRACE").pipe(Config.withDefault("30 seconds"))
   * })
   * ```
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layerConfig = (
    settings: Config.Config.Wrap<RepeaterSettings>
  ): Layer.Layer<Repeater, ConfigError.ConfigError | RepeaterConfigError> =>
    Layer.scoped(
      Repeater,
      // (`Config.unwrap` cannot take an empty record: every setting is optional)
      Effect.flatMap(
        Config.isConfig(settings) || Object.keys(settings).length > 0 ?
          Config.unwrap(settings) :
          Config.succeed<RepeaterSettings>({}),
        Repeater.make
      )
    )

  /**
   * Starts a repeater in the current Scope and returns at once with its
   * handle. Closing that Scope stops it gracefully.
   *
   * @example
   * ```ts
   * import { Repeater } from "@effect-repeater/core"
   * import { Effect } from "effect"
   *
   * // data-first
   * Repeater.fork({ name: "heartbeat", every: "5 seconds" }, Effect.log("alive"))
   * // pipeable
   * Effect.log("alive").pipe(Repeater.fork({ name: "heartbeat", every: "5 seconds" }))
   * ```
   *
   * @since 0.1.0
   * @category constructors
   */
  static readonly fork: {
    <E>(
      options: RepeaterOptions<NoInfer<E>>
    ): <A, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<
      RepeaterHandle<E>,
      RepeaterConfigError,
      Repeater | Scope.Scope | R
    >
    <A, E, R>(
      options: RepeaterOptions<NoInfer<E>>,
      effect: Effect.Effect<A, E, R>
    ): Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Repeater | Scope.Scope | R>
  } = fork

  /**
   * Checks a repeater's options as `fork` does, without starting anything:
   * for libraries that start the repeater later (or elsewhere) and want bad
   * options reported at once. Fails with the `RepeaterConfigError` that
   * `fork` would fail with.
   *
   * @example
   * ```ts
   * import { Repeater } from "@effect-repeater/core"
   *
   * // fails with RepeaterConfigError: Invalid option "every" of repeater "bad": ...
   * Repeater.validate({ name: "bad", every: "-5 seconds" })
   * ```
   *
   * @since 0.1.0
   * @category validation
   */
  static readonly validate = <E>(options: RepeaterOptions<E>): Effect.Effect<void, RepeaterConfigError> =>
    Effect.clockWith((clock) =>
      Effect.suspend(() => {
        const validated = validate(options, defaultSettings.defaultGrace, clock.unsafeCurrentTimeMillis())
        return Either.isLeft(validated) ? Effect.fail(validated.left) : Effect.void
      })
    )

  /**
   * A Layer that runs the repeater for the Layer's lifetime: for apps made of
   * layers (`Layer.launch`, `ManagedRuntime`, `NodeRuntime.runMain`).
   *
   * @example
   * ```ts
   * import { Repeater } from "@effect-repeater/core"
   * import { Effect, Layer } from "effect"
   *
   * const Cleanup = Repeater.background({ name: "cleanup", cron: "0 3 * * *", timeZone: "Europe/Berlin" }, Effect.log("cleaning"))
   * const App = Cleanup.pipe(Layer.provide(Repeater.layer))
   * // Layer.launch(App)
   * ```
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly background: {
    <E>(
      options: RepeaterOptions<NoInfer<E>>
    ): <A, R>(
      effect: Effect.Effect<A, E, R>
    ) => Layer.Layer<never, RepeaterConfigError, Repeater | Exclude<R, Scope.Scope>>
    <A, E, R>(
      options: RepeaterOptions<NoInfer<E>>,
      effect: Effect.Effect<A, E, R>
    ): Layer.Layer<never, RepeaterConfigError, Repeater | Exclude<R, Scope.Scope>>
  } = background

  /**
   * The status of every repeater that has not ended.
   *
   * @since 0.1.0
   * @category accessors
   */
  static readonly list: Effect.Effect<ReadonlyArray<RepeaterStatus>, never, Repeater> = Effect.flatMap(
    Repeater,
    (service) => service.list
  )

  /**
   * The handle of a repeater by name.
   *
   * @since 0.1.0
   * @category accessors
   */
  static readonly get = (name: string): Effect.Effect<RepeaterHandle, RepeaterNotFoundError, Repeater> =>
    Effect.flatMap(Repeater, (service) => service.get(name))

  /**
   * Every repeater's events, from the moment of subscription.
   *
   * @since 0.1.0
   * @category accessors
   */
  static readonly events: Stream.Stream<RepeaterEvent, never, Repeater> = Stream.unwrap(
    Effect.map(Repeater, (service) => service.events)
  )
}

const forkWith = <A, E, R>(
  options: RepeaterOptions<E>,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Repeater | Scope.Scope | R> =>
  Effect.flatMap(Repeater, (service) => service.fork(options, effect))

function fork<E>(
  options: RepeaterOptions<E>
): <A, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<
  RepeaterHandle<E>,
  RepeaterConfigError,
  Repeater | Scope.Scope | R
>
function fork<A, E, R>(
  options: RepeaterOptions<E>,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Repeater | Scope.Scope | R>
function fork<A, E, R>(options: RepeaterOptions<E>, effect?: Effect.Effect<A, E, R>) {
  return effect === undefined ?
    <A1, R1>(effect: Effect.Effect<A1, E, R1>) => forkWith(options, effect) :
    forkWith(options, effect)
}

function background<E>(
  options: RepeaterOptions<E>
): <A, R>(effect: Effect.Effect<A, E, R>) => Layer.Layer<never, RepeaterConfigError, Repeater | Exclude<R, Scope.Scope>>
function background<A, E, R>(
  options: RepeaterOptions<E>,
  effect: Effect.Effect<A, E, R>
): Layer.Layer<never, RepeaterConfigError, Repeater | Exclude<R, Scope.Scope>>
function background<A, E, R>(options: RepeaterOptions<E>, effect?: Effect.Effect<A, E, R>) {
  return effect === undefined ?
    <A1, R1>(effect: Effect.Effect<A1, E, R1>) => Layer.scopedDiscard(forkWith(options, effect)) :
    Layer.scopedDiscard(forkWith(options, effect))
}
