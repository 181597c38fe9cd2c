import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Repeater from "../Repeater.js"
import type { RepeaterOptions, RepeaterSettings } from "../Repeater.js"
import { RepeaterConfigError, RepeaterNotFoundError } from "../RepeaterError.js"
import type { RepeaterEvent } from "../RepeaterEvent.js"
import type { RepeaterHandle, RepeaterStatus } from "../RepeaterHandle.js"
import { type SharedConfig, validate as validateOptions, validateGrace, validateName } from "./config.js"
import { Dispatcher } from "./dispatcher.js"
import { MetricSeries } from "./metrics.js"
import { checkKeys } from "./optionCheck.js"
import { type ManagedRepeater, type Owner, RepeaterImpl } from "./repeater.js"
import { isTraced } from "./runContext.js"
import { finalizerConcurrency, finalizerCount } from "./scopeFinalizers.js"
import { Batch, ScopeSlots } from "./scopeSlots.js"

/**
 * Settings of a `Repeater` service.
 *
 * @internal
 */
export interface ServiceSettings {
  readonly defaultGrace: Duration.Duration
  readonly eventBufferSize: number
  readonly metricSeriesLimit: number
}

const serviceClosed = Effect.die(new Error("The Repeater service is closed: no repeater can be started"))

const nameTaken = (name: string) =>
  new RepeaterConfigError({
    repeater: name,
    field: "name",
    value: name,
    reason: "is taken: a repeater with this name is running in this service"
  })

/** A configuration without a retry schedule: the same for any error type. */
type RetryFreeConfig = Omit<SharedConfig<never>, "retry"> & { readonly retry: undefined }

/**
 * Whether two options objects are the same but for their name: the same own keys, each with the same value
 * (by identity).
 */
const sameButName = (a: object, b: object): boolean => {
  let keys = 0
  for (const key in a) {
    if (key === "name") continue
    keys++
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false
    const mine: unknown = Reflect.get(a, key)
    const theirs: unknown = Reflect.get(b, key)
    if (mine !== theirs) return false
  }
  for (const key in b) if (key !== "name") keys--
  return keys === 0
}

const isDefined = <A>(value: A | undefined): value is A => value !== undefined

/**
 * Makes a `Repeater` service in the current Scope: one dispatcher (one timer)
 * for all its repeaters. Closing the Scope stops every repeater gracefully
 * (each with its grace period) before it completes.
 *
 * @internal
 */
const makeWith = (settings: ServiceSettings): Effect.Effect<Repeater.Repeater, never, Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<never>()
    const clock = yield* Clock.clockWith(Effect.succeed)
    // `None` marks the end: each subscriber ends after reading every event published before it
    // (shutting the PubSub down would throw away what a subscriber has not read yet). Made by the
    // first subscriber: events are only published while someone subscribes, and a sliding PubSub
    // allocates its whole buffer at once.
    let pubsub: PubSub.PubSub<Option.Option<RepeaterEvent>> | undefined
    const repeaters = new Map<string, ManagedRepeater>()
    let subscribers = 0
    let closed = false

    const dispatcher = new Dispatcher<ManagedRepeater>(context, clock, (repeater) => repeater.fire())
    const owner: Owner = {
      dispatcher,
      context,
      metrics: new MetricSeries(settings.metricSeriesLimit),
      hasSubscribers: () => subscribers > 0,
      publish: (event) => {
        if (pubsub !== undefined) PubSub.publishUnsafe(pubsub, Option.some(event))
      },
      release: (repeater) => {
        if (repeaters.get(repeater.name) === repeater) repeaters.delete(repeater.name)
        const scopeOwner = repeater.scopeOwner
        if (scopeOwner !== undefined) {
          repeater.scopeOwner = undefined
          scopeOwner.leave(repeater.scopeIndex, repeater)
        }
      }
    }

    // Forks add finalizers to their Scope, so that resources are released in reverse order as usual
    // (see `ScopeSlots`: forks in a row share one, a finalizer function per Scope). When the first of
    // them runs, no repeater of the Scope starts a new run any more (idle ones stop at once), so that
    // none runs again while another waits for its grace. A repeater that ends on its own leaves its
    // segment, and the Scope keeps nothing of it.
    const slotsOfScope = new WeakMap<Scope.Scope, ScopeSlots<ManagedRepeater>>()
    const stopAll = (group: Iterable<ManagedRepeater>) =>
      Effect.suspend(() => {
        // idle ones stop at once; those with a run in flight get their grace, all at the same time
        const busy = Array.from(group).filter((repeater) => !repeater.stopIfIdle())
        return Effect.forEach(busy, (repeater) => repeater.stopWith(repeater.grace), {
          concurrency: "unbounded",
          discard: true
        })
      })
    const stopOne = (repeater: ManagedRepeater): Effect.Effect<void> =>
      repeater.stopIfIdle() ? Effect.void : Effect.asVoid(repeater.stopWith(repeater.grace))
    /** The first finalizer of a Scope to run: its repeaters start no new run, the idle ones stop. */
    const holdNewRuns = (slots: ScopeSlots<ManagedRepeater>): void => {
      const members = slots.liveMembers()
      // taken out of the dispatcher's queue in one pass, not one removal each
      dispatcher.unscheduleAll(members)
      for (const member of members) member.holdNewRuns()
    }
    const slotsOf = (scope: Scope.Scope): ScopeSlots<ManagedRepeater> => {
      let slots = slotsOfScope.get(scope)
      if (slots === undefined) {
        slots = new ScopeSlots<ManagedRepeater>(
          scope,
          finalizerCount,
          finalizerConcurrency(scope),
          holdNewRuns,
          (entry) => entry instanceof Batch ? stopAll(entry.members.filter(isDefined)) : stopOne(entry)
        )
        slotsOfScope.set(scope, slots)
      }
      return slots
    }
    /** The segment of the Scope a fork goes into, in one step that cannot be interrupted. */
    const segmentOf = (slots: ScopeSlots<ManagedRepeater>) => Effect.uninterruptible(slots.segmentForNext())

    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        closed = true
        return stopAll(repeaters.values())
      }).pipe(
        Effect.andThen(Effect.sync(() => {
          dispatcher.close()
          if (pubsub !== undefined) PubSub.publishUnsafe(pubsub, Option.none())
        }))
      )
    )

    // Repeaters forked with the same options but their name share one configuration (an idle
    // repeater then costs its own objects only): the last options validated, and what they gave.
    let lastOptions: RepeaterOptions<never> | undefined
    let lastConfig: RetryFreeConfig | undefined
    const validate = <E>(
      options: RepeaterOptions<E>
    ): Result.Result<{ readonly name: string; readonly config: SharedConfig<E> }, RepeaterConfigError> => {
      if (lastConfig !== undefined && lastOptions !== undefined && sameButName(options, lastOptions)) {
        const config = lastConfig
        return Result.map(validateName(options.name), (name) => ({ name, config }))
      }
      const validated = validateOptions(options, settings.defaultGrace, dispatcher.now())
      if (Result.isFailure(validated)) return Result.fail(validated.failure)
      const { name, ...config } = validated.success
      if (options.cron === undefined && options.retry === undefined) {
        lastOptions = options
        lastConfig = { ...config, retry: undefined }
      }
      return Result.succeed({ name, config })
    }

    const fork = <A, E, R>(
      effect: Effect.Effect<A, E, R>,
      options: RepeaterOptions<E>
    ): Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Scope.Scope | R> =>
      Effect.flatMap(Effect.context<Scope.Scope | R>(), (callerContext) => {
        if (closed) return serviceClosed
        const validated = validate(options)
        if (Result.isFailure(validated)) return Effect.fail(validated.failure)
        const { config, name } = validated.success
        if (repeaters.has(name)) return Effect.fail(nameTaken(name))
        const slots = slotsOf(Context.get(callerContext, Scope.Scope))
        // The finalizer (if the fork needs one) is added first; the repeater is made in the next step,
        // which cannot be interrupted half-way: an interruption in between leaves the segment as it was.
        return Effect.flatMap(segmentOf(slots), (segment) => {
          if (closed) return serviceClosed
          if (repeaters.has(name)) return Effect.fail(nameTaken(name))
          const repeater = new RepeaterImpl<A, E, Scope.Scope | R>(
            config,
            name,
            owner,
            callerContext,
            effect,
            isTraced(callerContext as Context.Context<never>)
          )
          repeaters.set(name, repeater)
          // forked into a Scope that is closing or closed: it is stopped at once, as its finalizer would
          const closing = !segment.add(repeater)
          if (!closing) repeater.scopeOwner = segment
          const handle: RepeaterHandle<E> = repeater
          const started = repeater.start()
          if (closing) return Effect.as(Effect.andThen(started ?? Effect.void, stopOne(repeater)), handle)
          if (started === undefined) return Effect.succeed(handle)
          return started.pipe(
            // interrupted before it was set up: it must not stay behind with its name taken
            Effect.onInterrupt(() => Effect.sync(() => repeater.stopIfIdle())),
            Effect.as(handle)
          )
        })
      })

    const forkAll = <A, E, R>(
      entries: Iterable<readonly [Effect.Effect<A, E, R>, RepeaterOptions<E>]>
    ): Effect.Effect<Array<RepeaterHandle<E>>, RepeaterConfigError, Scope.Scope | R> =>
      Effect.flatMap(Effect.context<Scope.Scope | R>(), (callerContext) => {
        if (closed) return serviceClosed
        const list = Array.from(entries)
        const configs: Array<{ readonly name: string; readonly config: SharedConfig<E> }> = []
        for (const [, options] of list) {
          const validated = validate(options)
          if (Result.isFailure(validated)) return Effect.fail(validated.failure)
          if (repeaters.has(validated.success.name)) return Effect.fail(nameTaken(validated.success.name))
          configs.push(validated.success)
        }
        const slots = slotsOf(Context.get(callerContext, Scope.Scope))
        const traced = isTraced(callerContext as Context.Context<never>)
        return Effect.flatMap(segmentOf(slots), (segment) => {
          if (closed) return serviceClosed
          const closing = slots.closing
          const batch = new Batch<ManagedRepeater>(list.length)
          const made: Array<RepeaterImpl<A, E, Scope.Scope | R>> = []
          for (let i = 0; i < list.length; i++) {
            const validated = configs[i]
            const entry = list[i]
            if (validated === undefined || entry === undefined) continue
            const { config, name } = validated
            // a name given twice, or taken since it was checked: none of them is started
            if (repeaters.has(name)) {
              for (const earlier of made) repeaters.delete(earlier.name)
              return Effect.fail(nameTaken(name))
            }
            const repeater = new RepeaterImpl<A, E, Scope.Scope | R>(
              config,
              name,
              owner,
              callerContext,
              entry[0],
              traced
            )
            repeaters.set(name, repeater)
            made.push(repeater)
            if (!closing) {
              batch.add(i, repeater)
              repeater.scopeOwner = batch
              repeater.scopeIndex = i
            }
          }
          if (!closing && segment.add(batch)) batch.owner = segment
          // all members are in the batch before any starts (one may end at once, and leave it)
          const setUps: Array<Effect.Effect<void>> = []
          for (const repeater of made) {
            const started = repeater.start()
            if (started !== undefined) setUps.push(started)
          }
          const handles: Array<RepeaterHandle<E>> = made
          const setUp = setUps.length === 0 ? Effect.void : Effect.all(setUps, { discard: true })
          if (closing) return Effect.as(Effect.andThen(setUp, stopAll(made)), handles)
          if (setUps.length === 0) return Effect.succeed(handles)
          return setUp.pipe(
            Effect.onInterrupt(() => Effect.sync(() => made.forEach((repeater) => repeater.stopIfIdle()))),
            Effect.as(handles)
          )
        })
      })

    const list = Effect.sync(() => Array.from(repeaters.values(), (repeater) => repeater.snapshot()))

    const get = (name: string): Effect.Effect<RepeaterHandle, RepeaterNotFoundError> =>
      Effect.suspend(() => {
        const repeater = repeaters.get(name)
        return repeater === undefined
          ? Effect.fail(new RepeaterNotFoundError({ repeater: name }))
          : Effect.succeed(repeater)
      })

    const events: Stream.Stream<RepeaterEvent> = Stream.unwrap(
      Effect.gen(function*() {
        if (closed) return Stream.empty
        yield* Effect.acquireRelease(
          Effect.sync(() => subscribers++),
          () => Effect.sync(() => subscribers--)
        )
        if (pubsub === undefined) {
          const made = yield* PubSub.sliding<Option.Option<RepeaterEvent>>(settings.eventBufferSize)
          pubsub ??= made
        }
        const subscription = yield* PubSub.subscribe(pubsub)
        return Stream.fromSubscription(subscription).pipe(
          Stream.takeWhile(Option.isSome),
          Stream.map((event) => event.value)
        )
      })
    )

    return { fork, forkAll, list, get, events }
  })

// -----------------------------------------------------------------------------
// the Tag, its layers and the module's functions
// -----------------------------------------------------------------------------

/** @internal */
export const tag = Context.Service<Repeater.Repeater>("@effect-repeater/core/Repeater")

const defaultSettings: ServiceSettings = {
  defaultGrace: Duration.seconds(30),
  eventBufferSize: 4096,
  metricSeriesLimit: 1000
}

/**
 * The largest `eventBufferSize`: a subscriber's buffer holds up to that many events.
 *
 * @internal
 */
export const MAX_EVENT_BUFFER_SIZE = 65536

const settingKeys: ReadonlyArray<keyof RepeaterSettings> = ["defaultGrace", "eventBufferSize", "metricSeriesLimit"]

/** A setting that must be a whole number from `least` to `most` (`null` and other types included). */
const wholeNumberSetting = (
  field: "eventBufferSize" | "metricSeriesLimit",
  value: unknown,
  least: number,
  most: number
): Result.Result<number, RepeaterConfigError> => {
  const chosen: unknown = value === undefined ? defaultSettings[field] : value
  return typeof chosen === "number" && Number.isSafeInteger(chosen) && chosen >= least && chosen <= most ?
    Result.succeed(chosen) :
    Result.fail(
      new RepeaterConfigError({
        repeater: undefined,
        field,
        value: chosen,
        reason: most === Number.MAX_SAFE_INTEGER ?
          `is not valid: it must be a whole number, ${least} or more` :
          `is not valid: it must be a whole number from ${least} to ${most}`
      })
    )
}

const validateSettings = (
  settings: RepeaterSettings | undefined
): Effect.Effect<ServiceSettings, RepeaterConfigError> =>
  Effect.suspend(() => {
    const keys = checkKeys(settings, {
      known: settingKeys,
      of: "the Repeater service",
      field: "settings",
      optional: true
    })
    if (keys !== undefined) return Effect.fail(new RepeaterConfigError({ repeater: undefined, ...keys }))
    if (settings === undefined) return Effect.succeed(defaultSettings)
    let defaultGrace = defaultSettings.defaultGrace
    if (settings.defaultGrace !== undefined) {
      const decoded = validateGrace(undefined, settings.defaultGrace, "defaultGrace")
      if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
      defaultGrace = decoded.success
    }
    const eventBufferSize = wholeNumberSetting("eventBufferSize", settings.eventBufferSize, 1, MAX_EVENT_BUFFER_SIZE)
    if (Result.isFailure(eventBufferSize)) return Effect.fail(eventBufferSize.failure)
    const metricSeriesLimit = wholeNumberSetting(
      "metricSeriesLimit",
      settings.metricSeriesLimit,
      0,
      Number.MAX_SAFE_INTEGER
    )
    if (Result.isFailure(metricSeriesLimit)) return Effect.fail(metricSeriesLimit.failure)
    return Effect.succeed({
      defaultGrace,
      eventBufferSize: eventBufferSize.success,
      metricSeriesLimit: metricSeriesLimit.success
    })
  })

/** @internal */
export const make = (
  settings?: RepeaterSettings
): Effect.Effect<Repeater.Repeater, RepeaterConfigError, Scope.Scope> =>
  Effect.flatMap(validateSettings(settings), makeWith)

/** @internal */
export const layer: Layer.Layer<Repeater.Repeater> = Layer.effect(tag, makeWith(defaultSettings))

/** @internal */
export const layerWith = (settings?: RepeaterSettings): Layer.Layer<Repeater.Repeater, RepeaterConfigError> =>
  Layer.effect(tag, make(settings))

/** @internal */
export const layerConfig = (
  settings: Config.Wrap<RepeaterSettings>
): Layer.Layer<Repeater.Repeater, Config.ConfigError | RepeaterConfigError> =>
  Layer.effect(
    tag,
    // (`Config.unwrap` cannot take an empty record: every setting is optional)
    Effect.flatMap(
      Config.isConfig(settings) || Object.keys(settings).length > 0 ?
        Config.unwrap(settings) :
        Config.succeed<RepeaterSettings>({}),
      make
    )
  )

const forkIn = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  options: RepeaterOptions<E>
): Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Repeater.Repeater | Scope.Scope | R> =>
  tag.use((service) => service.fork(self, options))

/** @internal */
export const fork: {
  <In>(
    options: RepeaterOptions<In>
  ): <A, E extends In, R>(
    self: Effect.Effect<A, E, R>
  ) => Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Repeater.Repeater | Scope.Scope | R>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    options: RepeaterOptions<NoInfer<E>>
  ): Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Repeater.Repeater | Scope.Scope | R>
} = dual(2, forkIn)

/** @internal */
export const forkAll = <A, E, R>(
  repeaters: Iterable<readonly [Effect.Effect<A, E, R>, RepeaterOptions<NoInfer<E>>]>
): Effect.Effect<Array<RepeaterHandle<E>>, RepeaterConfigError, Repeater.Repeater | Scope.Scope | R> =>
  tag.use((service) => service.forkAll(repeaters))

/** @internal */
export const background: {
  <In>(
    options: RepeaterOptions<In>
  ): <A, E extends In, R>(
    self: Effect.Effect<A, E, R>
  ) => Layer.Layer<never, RepeaterConfigError, Repeater.Repeater | Exclude<R, Scope.Scope>>
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    options: RepeaterOptions<NoInfer<E>>
  ): Layer.Layer<never, RepeaterConfigError, Repeater.Repeater | Exclude<R, Scope.Scope>>
} = dual(
  2,
  <A, E, R>(
    self: Effect.Effect<A, E, R>,
    options: RepeaterOptions<E>
  ): Layer.Layer<never, RepeaterConfigError, Repeater.Repeater | Exclude<R, Scope.Scope>> =>
    Layer.effectDiscard(forkIn(self, options))
)

/** @internal */
export const list: Effect.Effect<ReadonlyArray<RepeaterStatus>, never, Repeater.Repeater> = tag.use((service) =>
  service.list
)

/** @internal */
export const get = (name: string): Effect.Effect<RepeaterHandle, RepeaterNotFoundError, Repeater.Repeater> =>
  tag.use((service) => service.get(name))

/** @internal */
export const events: Stream.Stream<RepeaterEvent, never, Repeater.Repeater> = Stream.unwrap(
  tag.useSync((service) => service.events)
)

/** @internal */
export const validate = <E>(options: RepeaterOptions<E>): Effect.Effect<void, RepeaterConfigError> =>
  Effect.clockWith((clock) =>
    Effect.suspend(() => {
      const validated = validateOptions(options, defaultSettings.defaultGrace, clock.currentTimeMillisUnsafe())
      return Result.isFailure(validated) ? Effect.fail(validated.failure) : Effect.void
    })
  )
