/**
 * The `Repeater` service: runs effects periodically, every interval, on a cron
 * expression or on any `Schedule`, with the lifetime of a Scope or a Layer.
 *
 * Import the module as a namespace: `Repeater.Repeater` is the service's key
 * (and its type), `Repeater.fork`, `Repeater.background` and
 * `Repeater.layer` are the functions and layers that use it.
 *
 * @since 1.0.0
 */
import type * as Config from "effect/Config"
import type * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as internalConfig from "./internal/config.js"
import * as runContext from "./internal/runContext.js"
import * as internal from "./internal/service.js"
import type { RepeaterConfigError, RepeaterNotFoundError, RepeaterTimeoutError } from "./RepeaterError.js"
import type { RepeaterEvent } from "./RepeaterEvent.js"
import type { RepeaterHandle, RepeaterStatus } from "./RepeaterHandle.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * The options of one repeater: exactly one trigger (`every`, `cron` or
 * `schedule`) and the options every trigger shares. Giving two triggers is a
 * type error; untyped callers get a `RepeaterConfigError` for it.
 *
 * Every option is checked when the repeater is started: a wrong value fails
 * with a `RepeaterConfigError` that names the option and the value, and so do
 * an unknown key (with the nearest known name) and options that are not an
 * object. Durations follow `OptionCheck`: at least 1 millisecond (0 where
 * allowed), however they are written.
 *
 * `E` is the error of the repeated effect: `retry` receives `E` or a
 * `RepeaterTimeoutError`.
 *
 * @since 1.0.0
 * @category models
 */
export type RepeaterOptions<E = never> = EveryOptions<E> | CronOptions<E> | ScheduleOptions<E>

/**
 * Runs every interval.
 *
 * @since 1.0.0
 * @category models
 */
export interface EveryOptions<E = never> extends CommonOptions<E> {
  /** Run every interval; see `mode`. */
  readonly every: Duration.Input
  /**
   * - `"delay"` (default): each run starts `every` after the previous one ended;
   * - `"rate"`: runs start on the grid t0 + k·every (t0 is the first run's
   *   scheduled start), without drift. A run that overruns is followed at once
   *   by exactly one run; the other missed ticks are skipped and counted.
   */
  readonly mode?: "delay" | "rate" | undefined
  readonly cron?: never
  readonly timeZone?: never
  readonly schedule?: never
}

/**
 * Runs on a cron expression.
 *
 * @since 1.0.0
 * @category models
 */
export interface CronOptions<E = never> extends CommonOptions<E> {
  /**
   * A cron expression (5 fields, or 6 with seconds first). The first run is at
   * the first match after the start; matches missed during a run are skipped
   * and counted, never replayed.
   */
  readonly cron: string
  /**
   * The IANA time zone of `cron`, such as `"Europe/Berlin"`. Defaults to the
   * process's named local zone, so that daylight-saving changes neither
   * double-fire nor skip a day.
   */
  readonly timeZone?: string | undefined
  readonly every?: never
  readonly mode?: never
  readonly schedule?: never
}

/**
 * Runs on any Effect `Schedule`.
 *
 * @since 1.0.0
 * @category models
 */
export interface ScheduleOptions<E = never> extends CommonOptions<E> {
  /**
   * Any Effect `Schedule`: the first run starts at once (unless `initialDelay`
   * or `waitFirst`), each later delay comes from stepping the schedule after a
   * run ends, as `Effect.repeat` does; the repeater completes when the
   * schedule is done. The schedule's input is `undefined`. A schedule that
   * fails when stepped (`Schedule.cron` of an expression it cannot parse)
   * ends the repeater failed, with its error as a defect.
   */
  readonly schedule: Schedule.Schedule<unknown, unknown, unknown>
  readonly every?: never
  readonly mode?: never
  readonly cron?: never
  readonly timeZone?: never
}

/**
 * The options every trigger shares.
 *
 * @since 1.0.0
 * @category models
 */
export interface CommonOptions<E = never> {
  /** Unique within the service while the repeater runs. */
  readonly name: string
  /** Delay before the first run; default 0: the first run starts at once. */
  readonly initialDelay?: Duration.Input | undefined
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
  /**
   * Retries within one run before it counts as failed. The schedule's input
   * is the run's error: `E` or a `RepeaterTimeoutError`.
   */
  readonly retry?: Schedule.Schedule<unknown, E | RepeaterTimeoutError> | undefined
  /**
   * Longest duration of a run (of each retry attempt): the run is interrupted
   * and fails with a `RepeaterTimeoutError`; the schedule goes on.
   */
  readonly timeout?: Duration.Input | undefined
  /**
   * Each start falls at a random point in [t, t + jitter), never accumulating.
   * With `every` it must be shorter than `every`.
   */
  readonly jitter?: Duration.Input | undefined
  /** How long an in-flight run may finish when the repeater is stopped; defaults to the service's `defaultGrace`. */
  readonly grace?: Duration.Input | undefined
}

/**
 * Settings of a `Repeater` service. An unknown key, or settings that are not
 * an object, fail with a `RepeaterConfigError` naming it.
 *
 * @since 1.0.0
 * @category models
 */
export interface RepeaterSettings {
  /** The stop grace of repeaters that do not set `grace`. Default: 30 seconds. */
  readonly defaultGrace?: Duration.Input | undefined
  /**
   * How many events a slow `events` subscriber may fall behind before the
   * oldest are dropped for it: a whole number from 1 to 65536. Default: 4096.
   * The buffer is made when the first subscriber subscribes.
   */
  readonly eventBufferSize?: number | undefined
  /**
   * How many repeater names get metric series of their own (the `repeater`
   * attribute of the metrics): the first names to run, up to this many. The
   * runs of all other repeaters are counted together under
   * `repeater="(other)"`, so that the number of series stays bounded when
   * names come and go (a series, once made, is kept by the metric registry).
   * 0 counts every repeater under `"(other)"`. Default: 1000.
   */
  readonly metricSeriesLimit?: number | undefined
}

/**
 * The `Repeater` service. It owns every repeater started through it: when its
 * Layer's scope closes, all of them are stopped gracefully before the release
 * completes.
 *
 * Most programs never use it directly: `fork`, `background`, `list`, `get`
 * and `events` of this module read it from the context.
 *
 * @since 1.0.0
 * @category models
 */
export interface Repeater {
  /**
   * Starts a repeater in the current Scope and returns at once with its
   * handle; closing the Scope stops it gracefully.
   */
  readonly fork: <A, E, R>(
    self: Effect.Effect<A, E, R>,
    options: RepeaterOptions<NoInfer<E>>
  ) => Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Scope.Scope | R>
  /**
   * Starts many repeaters in the current Scope in one step, all or none (see
   * the module's `forkAll`).
   */
  readonly forkAll: <A, E, R>(
    repeaters: Iterable<readonly [Effect.Effect<A, E, R>, RepeaterOptions<NoInfer<E>>]>
  ) => Effect.Effect<Array<RepeaterHandle<E>>, RepeaterConfigError, Scope.Scope | R>
  /** The status of every repeater of this service that has not ended. */
  readonly list: Effect.Effect<ReadonlyArray<RepeaterStatus>>
  /** The handle of a repeater by name. */
  readonly get: (name: string) => Effect.Effect<RepeaterHandle, RepeaterNotFoundError>
  /** Run started / succeeded / failed, tick skipped, stopped, completed and failed events of every repeater. */
  readonly events: Stream.Stream<RepeaterEvent>
}

// -----------------------------------------------------------------------------
// services
// -----------------------------------------------------------------------------

/**
 * The `Context.Service` key of the `Repeater` service.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * const count = Effect.gen(function*() {
 *   const service = yield* Repeater.Repeater
 *   const statuses = yield* service.list
 *   return statuses.length
 * })
 *
 * Effect.runPromise(count.pipe(Effect.provide(Repeater.layer)))
 * ```
 *
 * @since 1.0.0
 * @category services
 */
export const Repeater: Context.Service<Repeater, Repeater> = internal.tag

// -----------------------------------------------------------------------------
// constructors
// -----------------------------------------------------------------------------

/**
 * Makes a `Repeater` service in the current Scope; closing the Scope stops
 * its repeaters. Invalid settings fail with a `RepeaterConfigError`.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const service = yield* Repeater.make({ defaultGrace: "5 seconds" })
 *   yield* service.fork(Effect.log("alive"), { name: "heartbeat", every: "5 seconds" })
 * })
 *
 * Effect.runFork(Effect.scoped(program))
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const make: (settings?: RepeaterSettings) => Effect.Effect<Repeater, RepeaterConfigError, Scope.Scope> =
  internal.make

/**
 * Starts a repeater of `self` in the current Scope and returns at once with
 * its handle. Closing that Scope stops it gracefully.
 *
 * The repeated effect comes first, as in `Effect.repeat(self, schedule)`, or
 * from a pipe.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * // data-first
 * Repeater.fork(Effect.log("alive"), { name: "heartbeat", every: "5 seconds" })
 * // pipeable
 * Effect.log("alive").pipe(Repeater.fork({ name: "heartbeat", every: "5 seconds" }))
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const fork: {
  <In>(
    options: RepeaterOptions<In>
  ): <A, E extends In, R>(
    self: Effect.Effect<A, E, R>
  ) => Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Repeater | Scope.Scope | R>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    options: RepeaterOptions<NoInfer<E>>
  ): Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Repeater | Scope.Scope | R>
} = internal.fork

/**
 * Starts many repeaters in the current Scope in one step and returns their
 * handles, in order: for programs that start thousands of repeaters at once.
 * Every option is validated and every name checked first: one invalid option
 * or taken name (or a name given twice) fails the whole call with its
 * `RepeaterConfigError`, and none is started. Each repeater then behaves as
 * one of `fork`.
 *
 * The repeaters of one call share one finalizer of the Scope, so that they
 * are stopped together, at the finalizer's place in the Scope's release order
 * (idle ones at once, those in a run concurrently, each with its grace).
 * Prefer `fork` for a few repeaters, or repeaters started at different times.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * const sensors = ["boiler", "pump", "valve"]
 * const pollAll = Repeater.forkAll(
 *   sensors.map((sensor) => [Effect.log(`poll ${sensor}`), { name: `poll-${sensor}`, every: "10 seconds" }] as const)
 * )
 * ```
 *
 * @since 1.0.0
 * @category constructors
 */
export const forkAll: <A, E, R>(
  repeaters: Iterable<readonly [Effect.Effect<A, E, R>, RepeaterOptions<NoInfer<E>>]>
) => Effect.Effect<Array<RepeaterHandle<E>>, RepeaterConfigError, Repeater | Scope.Scope | R> = internal.forkAll

// -----------------------------------------------------------------------------
// layers
// -----------------------------------------------------------------------------

/**
 * The service with its default settings (30 seconds of stop grace).
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const handle = yield* Repeater.fork(Effect.log("removing expired tokens"), { name: "cleanup", every: "1 hour" })
 *   yield* handle.join
 * })
 *
 * Effect.runFork(program.pipe(Effect.scoped, Effect.provide(Repeater.layer)))
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layer: Layer.Layer<Repeater> = internal.layer

/**
 * The service with the given settings; invalid settings fail the Layer
 * with a `RepeaterConfigError`.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 *
 * const RepeaterLive = Repeater.layerWith({ defaultGrace: "10 seconds", eventBufferSize: 1024 })
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layerWith: (settings: RepeaterSettings) => Layer.Layer<Repeater, RepeaterConfigError> = internal.layerWith

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
 *   defaultGrace: Config.Duration("REPEATER_DEFAULT_GRACE").pipe(Config.withDefault("30 seconds"))
 * })
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const layerConfig: (
  settings: Config.Wrap<RepeaterSettings>
) => Layer.Layer<Repeater, Config.ConfigError | RepeaterConfigError> = internal.layerConfig

/**
 * A Layer that runs a repeater of `self` for the Layer's lifetime: for apps
 * made of layers (`Layer.launch`, `ManagedRuntime`, `NodeRuntime.runMain`).
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect, Layer } from "effect"
 *
 * const Cleanup = Repeater.background(Effect.log("cleaning"), {
 *   name: "cleanup",
 *   cron: "0 3 * * *",
 *   timeZone: "Europe/Berlin"
 * })
 * const App = Cleanup.pipe(Layer.provide(Repeater.layer))
 * // Layer.launch(App)
 * ```
 *
 * @since 1.0.0
 * @category layers
 */
export const background: {
  <In>(
    options: RepeaterOptions<In>
  ): <A, E extends In, R>(
    self: Effect.Effect<A, E, R>
  ) => Layer.Layer<never, RepeaterConfigError, Repeater | Exclude<R, Scope.Scope>>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    options: RepeaterOptions<NoInfer<E>>
  ): Layer.Layer<never, RepeaterConfigError, Repeater | Exclude<R, Scope.Scope>>
} = internal.background

// -----------------------------------------------------------------------------
// accessors
// -----------------------------------------------------------------------------

/**
 * The status of every repeater that has not ended.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * const names = Effect.map(Repeater.list, (statuses) => statuses.map((status) => status.name))
 * ```
 *
 * @since 1.0.0
 * @category accessors
 */
export const list: Effect.Effect<ReadonlyArray<RepeaterStatus>, never, Repeater> = internal.list

/**
 * The handle of a repeater by name; fails with a `RepeaterNotFoundError`
 * when no repeater of that name is running.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect } from "effect"
 *
 * const runNightlyNow = Effect.flatMap(Repeater.get("nightly"), (handle) => handle.runNow)
 * ```
 *
 * @since 1.0.0
 * @category accessors
 */
export const get: (name: string) => Effect.Effect<RepeaterHandle, RepeaterNotFoundError, Repeater> = internal.get

/**
 * Every repeater's events, from the moment of subscription.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { Effect, Stream } from "effect"
 *
 * const logFailures = Repeater.events.pipe(
 *   Stream.filter((event) => event._tag === "RunFailed"),
 *   Stream.runForEach((event) => Effect.logWarning(`${event.name} failed`))
 * )
 * ```
 *
 * @since 1.0.0
 * @category accessors
 */
export const events: Stream.Stream<RepeaterEvent, never, Repeater> = internal.events

// -----------------------------------------------------------------------------
// validation
// -----------------------------------------------------------------------------

/**
 * The scheduled instant of the run in flight: the tick it runs for, not the
 * instant it started at (which a jitter, a late timer or an overrun moves).
 * Every's tick is its grid point (rate) or `every` after the previous run
 * ended (delay); cron's is the match; a schedule's the instant it chose; a
 * `runNow` run's the instant it was asked for. Seen by the run and the fibers
 * it forks; `None` outside runs.
 *
 * @example
 * ```ts
 * import { Repeater } from "@effect-repeater/core"
 * import { DateTime, Effect, Option } from "effect"
 *
 * const report = Effect.gen(function*() {
 *   const tick = yield* Repeater.currentTick
 *   yield* Effect.log(`report for ${Option.match(tick, { onNone: () => "now", onSome: DateTime.formatIso })}`)
 * })
 * const Report = Repeater.background(report, { name: "report", cron: "0 * * * *", timeZone: "UTC" })
 * ```
 *
 * @since 1.0.0
 * @category accessors
 */
export const currentTick: Effect.Effect<Option.Option<DateTime.Utc>> = runContext.tick

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
 * @since 1.0.0
 * @category validation
 */
export const validate: <E>(options: RepeaterOptions<E>) => Effect.Effect<void, RepeaterConfigError> = internal.validate

/**
 * Every key the options of a repeater may have (`RepeaterOptions`): any other
 * fails with a `RepeaterConfigError` naming the nearest of these. For
 * libraries that add options of their own and check the whole object with
 * `OptionCheck.checkKeys`.
 *
 * @example
 * ```ts
 * import { OptionCheck, Repeater } from "@effect-repeater/core"
 *
 * const known = [...Repeater.optionKeys, "shardGroup"]
 * OptionCheck.checkKeys({ name: "a", every: "1 hour", shardGrup: "x" }, { known, of: "myLayer" })
 * // { field: "shardGrup", value: "x", reason: 'is not an option of myLayer: did you mean "shardGroup"?' }
 * ```
 *
 * @since 1.0.0
 * @category validation
 */
export const optionKeys: ReadonlyArray<keyof RepeaterOptions<unknown>> = internalConfig.repeaterOptionKeys
