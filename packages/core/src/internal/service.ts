import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import { currentServices } from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRefs from "effect/FiberRefs"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Runtime from "effect/Runtime"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import type * as Repeater from "../Repeater.js"
import type { RepeaterOptions, RepeaterSettings } from "../Repeater.js"
import { RepeaterConfigError, RepeaterNotFoundError } from "../RepeaterError.js"
import type { RepeaterEvent } from "../RepeaterEvent.js"
import type { RepeaterHandle, RepeaterStatus } from "../RepeaterHandle.js"
import { validate as validateOptions, validateGrace } from "./config.js"
import { Dispatcher } from "./dispatcher.js"
import { MetricSeries } from "./metrics.js"
import { type ManagedRepeater, type Owner, RepeaterImpl, type ScopeCell } from "./repeater.js"
import { isBuiltInTracer, isSameRuntime } from "./runContext.js"

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

const nameTaken = (name: string) =>
  new RepeaterConfigError({
    repeater: name,
    field: "name",
    value: name,
    reason: "is taken: a repeater with this name is running in this service"
  })

/** The repeaters forked in one Scope. */
interface ScopeGroup {
  readonly members: Set<ManagedRepeater>
  closing: boolean
}

/**
 * Makes a `Repeater` service in the current Scope: one dispatcher (one timer)
 * for all its repeaters. Closing the Scope stops every repeater gracefully
 * (each with its grace period) before it completes.
 *
 * @internal
 */
const makeWith = (settings: ServiceSettings): Effect.Effect<Repeater.Repeater, never, Scope.Scope> =>
  Effect.gen(function*() {
    // Interruptible, so that timers and stop procedures forked on this runtime can be cancelled.
    const runtime = yield* Effect.interruptible(Effect.runtime<never>())
    const clock = yield* Effect.clock
    // `None` marks the end: each subscriber ends after reading every event published before it
    // (shutting the PubSub down would throw away what a subscriber has not read yet).
    const pubsub = yield* PubSub.sliding<Option.Option<RepeaterEvent>>(settings.eventBufferSize)
    const repeaters = new Map<string, ManagedRepeater>()
    let subscribers = 0
    let sharedRuntime: Runtime.Runtime<never> | undefined
    let closed = false

    const dispatcher = new Dispatcher<ManagedRepeater>(runtime, clock, (repeater) => repeater.fire())
    const owner: Owner = {
      dispatcher,
      metrics: new MetricSeries(settings.metricSeriesLimit),
      runtime,
      hasSubscribers: () => subscribers > 0,
      publish: (event) => {
        pubsub.unsafeOffer(Option.some(event))
      },
      release: (repeater) => {
        if (repeaters.get(repeater.name) === repeater) repeaters.delete(repeater.name)
        if (repeater.scopeCell !== undefined) {
          repeater.scopeCell.group?.members.delete(repeater)
          repeater.scopeCell.repeater = undefined
        }
        repeater.scopeCell = undefined
      }
    }

    // Each fork adds a finalizer to its Scope, so that resources are released in reverse order as
    // usual. The repeaters forked in one Scope also form a group: when the first of their
    // finalizers runs, no repeater of the group starts a new run any more (idle ones stop at once),
    // so that none runs again while another waits for its grace. A repeater that ends on its own
    // leaves its group.
    const groupOfScope = new WeakMap<Scope.Scope, ScopeGroup>()
    const stopAll = (group: Iterable<ManagedRepeater>) =>
      Effect.suspend(() => {
        // idle ones stop at once; those with a run in flight get their grace, all at the same time
        const busy = Array.from(group).filter((repeater) => !repeater.stopIfIdle())
        return Effect.forEach(busy, (repeater) => repeater.stopWith(repeater.grace), {
          concurrency: "unbounded",
          discard: true
        })
      })
    /** A repeater's Scope finalizer: the first of a group holds the group's new runs. */
    const closeInScope = (scope: Scope.Scope, group: ScopeGroup, repeater: ManagedRepeater): Effect.Effect<void> => {
      if (!group.closing) {
        group.closing = true
        for (const member of Array.from(group.members)) member.holdNewRuns()
        if (
          sharedRuntime !== undefined &&
          Option.contains(Context.getOption(sharedRuntime.context, Scope.Scope), scope)
        ) sharedRuntime = undefined
      }
      return repeater.stopIfIdle() ? Effect.void : Effect.asVoid(repeater.stopWith(repeater.grace))
    }
    /**
     * Makes the repeater a member of its Scope's group. Its cell is the one its Scope finalizer
     * holds (see `fork`).
     */
    const joinScope = (scope: Scope.Scope, cell: ScopeCell, repeater: ManagedRepeater): void => {
      let group = groupOfScope.get(scope)
      if (group === undefined) {
        group = { members: new Set(), closing: false }
        groupOfScope.set(scope, group)
      }
      group.members.add(repeater)
      cell.repeater = repeater
      cell.group = group
      repeater.scopeCell = cell
    }
    /**
     * A fork's Scope finalizer: one closure per repeater, the finalizer effect only built when the
     * Scope closes. A Scope cannot forget a finalizer: once the repeater has ended, its cell is
     * emptied, so that a long-lived Scope keeps a few bytes per ended repeater, not the repeater.
     */
    const scopeFinalizer = (scope: Scope.Scope, cell: ScopeCell) => (): Effect.Effect<void> => {
      cell.finalized = true
      return cell.repeater === undefined || cell.group === undefined ?
        Effect.void :
        closeInScope(scope, cell.group, cell.repeater)
    }

    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        closed = true
        return stopAll(repeaters.values())
      }).pipe(
        Effect.zipRight(Effect.sync(() => {
          dispatcher.close()
          pubsub.unsafeOffer(Option.none())
        }))
      )
    )

    const fork = <A, E, R>(
      effect: Effect.Effect<A, E, R>,
      options: RepeaterOptions<E>
    ): Effect.Effect<RepeaterHandle<E>, RepeaterConfigError, Scope.Scope | R> =>
      Effect.flatMap(Effect.runtime<Scope.Scope | R>(), (candidate) => {
        if (closed) return Effect.dieMessage("The Repeater service is closed: no repeater can be started")
        const validated = validateOptions(options, settings.defaultGrace, dispatcher.now())
        if (Either.isLeft(validated)) return Effect.fail(validated.left)
        const config = validated.right
        if (repeaters.has(config.name)) return Effect.fail(nameTaken(config.name))
        const callerRuntime = runtimeFor(candidate)
        const scope = Context.get(callerRuntime.context, Scope.Scope)
        // The finalizer is added first, with an empty cell; the repeater is made in the next step,
        // which cannot be interrupted half-way: an interruption in between leaves an empty cell.
        const cell: ScopeCell = { repeater: undefined, group: undefined, finalized: false }
        return Effect.zipRight(
          Scope.addFinalizerExit(scope, scopeFinalizer(scope, cell)),
          Effect.suspend(() => {
            if (closed) return Effect.dieMessage("The Repeater service is closed: no repeater can be started")
            if (repeaters.has(config.name)) return Effect.fail(nameTaken(config.name))
            const repeater = new RepeaterImpl<A, E, Scope.Scope | R>(
              config,
              owner,
              callerRuntime,
              effect,
              isTraced(callerRuntime.fiberRefs)
            )
            repeaters.set(config.name, repeater)
            joinScope(scope, cell, repeater)
            const handle: RepeaterHandle<E> = repeater
            const started = repeater.start()
            // forked into a Scope that is closing or closed: its finalizer has run already (on an
            // empty cell), so it is stopped at once, as that finalizer would have done
            if (cell.finalized && cell.group !== undefined) {
              return Effect.as(
                Effect.zipRight(started ?? Effect.void, closeInScope(scope, cell.group, repeater)),
                handle
              )
            }
            if (started === undefined) return Effect.succeed(handle)
            return started.pipe(
              // interrupted before it was set up: it must not stay behind with its name taken
              Effect.onInterrupt(() => Effect.sync(() => repeater.stopIfIdle())),
              Effect.as(handle)
            )
          })
        )
      })

    /**
     * The runtime runs are forked with: the caller's, interruptible, shared with the previous
     * repeater when nothing differs (each `Effect.runtime()` copies the FiberRefs).
     */
    const runtimeFor = <R>(candidate: Runtime.Runtime<R>): Runtime.Runtime<R> => {
      const interruptible = RuntimeFlags.interruption(candidate.runtimeFlags) ?
        candidate :
        Runtime.enableRuntimeFlag(candidate, RuntimeFlags.Interruption)
      if (sharedRuntime !== undefined && isSameRuntime(sharedRuntime, interruptible)) return sharedRuntime
      sharedRuntime = interruptible
      return interruptible
    }

    /** Whether runs get a span: not with Effect's built-in tracer, which records nothing. */
    const isTraced = (fiberRefs: FiberRefs.FiberRefs): boolean => {
      if (fiberRefs === tracedFor) return traced
      tracedFor = fiberRefs
      traced = !isBuiltInTracer(Context.get(FiberRefs.getOrDefault(fiberRefs, currentServices), Tracer.Tracer))
      return traced
    }
    let tracedFor: FiberRefs.FiberRefs | undefined
    let traced = false

    const list = Effect.sync(() => Array.from(repeaters.values(), (repeater) => repeater.snapshot()))

    const get = (name: string): Effect.Effect<RepeaterHandle, RepeaterNotFoundError> =>
      Effect.suspend(() => {
        const repeater = repeaters.get(name)
        return repeater === undefined
          ? Effect.fail(new RepeaterNotFoundError({ repeater: name }))
          : Effect.succeed(repeater)
      })

    const events: Stream.Stream<RepeaterEvent> = Stream.unwrapScoped(
      Effect.gen(function*() {
        if (closed) return Stream.empty
        yield* Effect.acquireRelease(
          Effect.sync(() => subscribers++),
          () => Effect.sync(() => subscribers--)
        )
        const subscription = yield* PubSub.subscribe(pubsub)
        return Stream.fromQueue(subscription).pipe(
          Stream.takeWhile(Option.isSome),
          Stream.map((event) => event.value)
        )
      })
    )

    return { fork, list, get, events }
  })

// -----------------------------------------------------------------------------
// the Tag, its layers and the module's functions
// -----------------------------------------------------------------------------

/** @internal */
export const tag = Context.GenericTag<Repeater.Repeater>("@effect-repeater/core/Repeater")

const defaultSettings: ServiceSettings = {
  defaultGrace: Duration.seconds(30),
  eventBufferSize: 4096,
  metricSeriesLimit: 1000
}

/** A setting that must be a whole number, at least `least`. */
const wholeNumberSetting = (
  field: "eventBufferSize" | "metricSeriesLimit",
  value: number | undefined,
  least: number
): Either.Either<number, RepeaterConfigError> => {
  const chosen = value ?? defaultSettings[field]
  return Number.isSafeInteger(chosen) && chosen >= least ?
    Either.right(chosen) :
    Either.left(
      new RepeaterConfigError({
        repeater: undefined,
        field,
        value,
        reason: `is not valid: it must be a whole number, ${least} or more`
      })
    )
}

const validateSettings = (settings: RepeaterSettings): Effect.Effect<ServiceSettings, RepeaterConfigError> =>
  Effect.suspend(() => {
    let defaultGrace = defaultSettings.defaultGrace
    if (settings.defaultGrace !== undefined) {
      const decoded = validateGrace(undefined, settings.defaultGrace, "defaultGrace")
      if (Either.isLeft(decoded)) return Effect.fail(decoded.left)
      defaultGrace = decoded.right
    }
    const eventBufferSize = wholeNumberSetting("eventBufferSize", settings.eventBufferSize, 1)
    if (Either.isLeft(eventBufferSize)) return Effect.fail(eventBufferSize.left)
    const metricSeriesLimit = wholeNumberSetting("metricSeriesLimit", settings.metricSeriesLimit, 0)
    if (Either.isLeft(metricSeriesLimit)) return Effect.fail(metricSeriesLimit.left)
    return Effect.succeed({
      defaultGrace,
      eventBufferSize: eventBufferSize.right,
      metricSeriesLimit: metricSeriesLimit.right
    })
  })

/** @internal */
export const make = (
  settings: RepeaterSettings = {}
): Effect.Effect<Repeater.Repeater, RepeaterConfigError, Scope.Scope> =>
  Effect.flatMap(validateSettings(settings), makeWith)

/** @internal */
export const layer: Layer.Layer<Repeater.Repeater> = Layer.scoped(tag, makeWith(defaultSettings))

/** @internal */
export const layerWith = (settings: RepeaterSettings): Layer.Layer<Repeater.Repeater, RepeaterConfigError> =>
  Layer.scoped(tag, make(settings))

/** @internal */
export const layerConfig = (
  settings: Config.Config.Wrap<RepeaterSettings>
): Layer.Layer<Repeater.Repeater, ConfigError.ConfigError | RepeaterConfigError> =>
  Layer.scoped(
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
  Effect.flatMap(tag, (service) => service.fork(self, options))

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
    Layer.scopedDiscard(forkIn(self, options))
)

/** @internal */
export const list: Effect.Effect<ReadonlyArray<RepeaterStatus>, never, Repeater.Repeater> = Effect.flatMap(
  tag,
  (service) => service.list
)

/** @internal */
export const get = (name: string): Effect.Effect<RepeaterHandle, RepeaterNotFoundError, Repeater.Repeater> =>
  Effect.flatMap(tag, (service) => service.get(name))

/** @internal */
export const events: Stream.Stream<RepeaterEvent, never, Repeater.Repeater> = Stream.unwrap(
  Effect.map(tag, (service) => service.events)
)

/** @internal */
export const validate = <E>(options: RepeaterOptions<E>): Effect.Effect<void, RepeaterConfigError> =>
  Effect.clockWith((clock) =>
    Effect.suspend(() => {
      const validated = validateOptions(options, defaultSettings.defaultGrace, clock.unsafeCurrentTimeMillis())
      return Either.isLeft(validated) ? Effect.fail(validated.left) : Effect.void
    })
  )
