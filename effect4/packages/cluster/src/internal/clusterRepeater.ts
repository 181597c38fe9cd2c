import * as OptionCheck from "@effect-repeater/core/OptionCheck"
import * as Repeater from "@effect-repeater/core/Repeater"
import type { RepeaterOptions } from "@effect-repeater/core/Repeater"
import type { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import * as RepeaterTiming from "@effect-repeater/core/RepeaterTiming"
import * as RunPolicy from "@effect-repeater/core/RunPolicy"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import { Sharding } from "effect/cluster/Sharding"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type * as SqlClient from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { hostname } from "node:os"
import { ClusterRepeaterConfigError } from "../ClusterError.js"
import { CurrentTick, type TickInfo } from "../CurrentTick.js"
import { type MissedPolicy, onGrid, type Plan, planFirstStart, planTakeover, skippedBetween } from "./plan.js"
import * as storage from "./storage.js"

/** @internal */
export type ClusterOptions<E> = RepeaterOptions<E> & {
  readonly missed?: MissedPolicy | undefined
  readonly shardGroup?: string | undefined
  readonly holder?: string | undefined
}

const defaultHolder = (): string => `${hostname()}:${process.pid}`

const clusterKeys = ["missed", "shardGroup", "holder"] as const

const optionKeys: ReadonlyArray<string> = [...Repeater.optionKeys, ...clusterKeys]

/** The options core checks: those of `Repeater.fork`, without the ones the cluster adds. */
const coreOptions = <E>(options: ClusterOptions<E>): RepeaterOptions<E> => {
  const { holder: _holder, missed: _missed, shardGroup: _shardGroup, ...core } = options
  return core
}

const validateCluster = <E>(options: ClusterOptions<E>): Effect.Effect<void, ClusterRepeaterConfigError> => {
  const given: unknown = options
  const keys = OptionCheck.checkKeys(given, { known: optionKeys, of: "ClusterRepeater.layer" })
  if (keys !== undefined) {
    const name: unknown = typeof given === "object" && given !== null && "name" in given ? given.name : undefined
    return Effect.fail(
      new ClusterRepeaterConfigError({ repeater: typeof name === "string" ? name : undefined, ...keys })
    )
  }
  const fail = (field: string, value: unknown, reason: string) =>
    Effect.fail(new ClusterRepeaterConfigError({ repeater: options.name, field, value, reason }))
  if (options.missed !== undefined && options.missed !== "skip" && options.missed !== "runOnce") {
    return fail("missed", options.missed, "is not valid: it must be \"skip\" or \"runOnce\"")
  }
  if (options.shardGroup !== undefined && (typeof options.shardGroup !== "string" || options.shardGroup.length === 0)) {
    return fail("shardGroup", options.shardGroup, "is not valid: it must be a non-empty string")
  }
  if (options.holder !== undefined && (typeof options.holder !== "string" || options.holder.length === 0)) {
    return fail("holder", options.holder, "is not valid: it must be a non-empty string")
  }
  if (options.holder !== undefined && options.holder.length > 255) {
    return fail("holder", options.holder, "is too long for the cluster's state table: 255 characters at most")
  }
  if (typeof options.name === "string" && options.name.length > 200) {
    return fail("name", options.name, "is too long for the cluster's state table: 200 characters at most")
  }
  return Effect.void
}

const describePlan = (plan: Plan): string => {
  const parts: Array<string> = []
  if (!Number.isNaN(plan.firstDue)) parts.push(`next tick at ${new Date(plan.firstDue).toISOString()}`)
  if (plan.missed > 0) {
    parts.push(`${plan.missed} tick(s) missed while no runner held it`)
  }
  if (plan.catchUp !== undefined) parts.push(`running the tick of ${new Date(plan.catchUp).toISOString()} at once`)
  return parts.join(", ")
}

type LayerOf<R> = Layer.Layer<
  never,
  RepeaterConfigError | ClusterRepeaterConfigError | SqlError,
  Sharding | SqlClient.SqlClient | Exclude<Exclude<R, CurrentTick>, Scope.Scope>
>

/**
 * The repeater as an `@effect/cluster` singleton: self first, or pipeable.
 *
 * @internal
 */
export const layer: {
  <In>(options: ClusterOptions<In>): <A, E extends In, R>(self: Effect.Effect<A, E, R>) => LayerOf<R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: ClusterOptions<NoInfer<E>>): LayerOf<R>
} = dual(
  2,
  <A, E, R>(effect: Effect.Effect<A, E, R>, options: ClusterOptions<E>): LayerOf<R> => layerWith(options, effect)
)

const layerWith = <A, E, R>(
  options: ClusterOptions<E>,
  effect: Effect.Effect<A, E, R>
): Layer.Layer<
  never,
  RepeaterConfigError | ClusterRepeaterConfigError | SqlError,
  Sharding | SqlClient.SqlClient | Exclude<Exclude<R, CurrentTick>, Scope.Scope>
> =>
  Layer.effectDiscard(Effect.gen(function*() {
    yield* validateCluster(options)
    // core's reading of the options: its checks, and when the repeater runs
    const timing = yield* RepeaterTiming.decode<E>(coreOptions(options))
    // each run with core's run policy: its timeout (of any length) and retries, each attempt in a Scope of its own
    const runPolicy = yield* RunPolicy.decode<E>(coreOptions(options))
    const name = options.name
    const holder = options.holder ?? defaultHolder()
    const policy: MissedPolicy = options.missed ?? "runOnce"
    yield* storage.ensureTable
    yield* storage.ensureRow(name)
    const sharding = yield* Sharding
    yield* sharding.registerSingleton(
      `effect-repeater/${name}`,
      // `effect/cluster` neither logs nor restarts a singleton that fails: a defect is logged here
      hold(options, effect, { name, holder, timing, policy, runPolicy }).pipe(
        Effect.tapCause((cause) =>
          Cause.hasInterruptsOnly(cause) ?
            Effect.void :
            Effect.logError(`Cluster repeater "${name}" stopped on this runner`, cause)
        )
      ),
      { shardGroup: options.shardGroup }
    )
  }))

interface Setup<E> {
  readonly name: string
  readonly holder: string
  readonly timing: RepeaterTiming.RepeaterTiming
  readonly policy: MissedPolicy
  readonly runPolicy: RunPolicy.RunPolicy<E>
}

/** Exponential from half a second, at most every 10 seconds. */
const retryStep = Schedule.exponential("500 millis").pipe(
  Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.seconds(10))))
)

/**
 * A step of the holder that must not be given up on (the repeater would stop
 * in the whole cluster until its shard moves): each failure is logged with its
 * cause, and it is tried again, at most every 10 seconds.
 */
const retried = <A, R>(
  name: string,
  what: string,
  step: Effect.Effect<A, SqlError, R>
): Effect.Effect<A, never, R> =>
  step.pipe(
    Effect.tapCause((cause) => Effect.logWarning(`Cluster repeater "${name}": could not ${what}; trying again`, cause)),
    Effect.retry(retryStep),
    Effect.orDie
  )

/** What the runner that holds the singleton runs, for as long as it holds it. */
const hold = <A, E, R>(
  options: ClusterOptions<E>,
  effect: Effect.Effect<A, E, R>,
  setup: Setup<E>
): Effect.Effect<void, SqlError, SqlClient.SqlClient | Scope.Scope | Exclude<R, CurrentTick>> =>
  Effect.gen(function*() {
    const { holder, name, policy, runPolicy, timing } = setup
    const every = timing._tag === "Every" ? timing.every : undefined
    const loaded = yield* retried(
      name,
      "take hold of it",
      Effect.flatMap(Clock.currentTimeMillis, (now) => storage.takeHold(name, holder, now))
    )
    if (Option.isNone(loaded)) return
    const state = loaded.value
    if (state.ended !== undefined) {
      yield* Effect.log(`Cluster repeater "${name}" has ${state.ended}: not started again`)
      return
    }
    const remaining = options.maxRepetitions === undefined ? undefined : options.maxRepetitions - state.runs
    if (remaining !== undefined && remaining <= 0) {
      yield* retried(name, "record that it has completed", storage.end(name, "completed"))
      return
    }
    const service = yield* Effect.orDie(Repeater.make())
    // planned just before the fork, so that the in-process schedule starts on the durable one
    const planNow = yield* Clock.currentTimeMillis
    const firstStart = state.lastScheduled === undefined && state.lastStarted === undefined
    let plan: Plan
    if (!firstStart) plan = planTakeover(timing, state, policy, planNow)
    else if (every !== undefined && state.firstDue !== undefined) {
      // restarted before the first tick (`initialDelay`, `waitFirst`): it stays where it was planned
      const none = { lastStarted: undefined, lastFinished: undefined }
      plan = planTakeover(timing, { ...none, lastScheduled: state.firstDue - every }, policy, planNow)
    } else {
      plan = planFirstStart(timing, planNow)
      if (every !== undefined && plan.firstDue > planNow) {
        const stored = yield* retried(name, "record its first tick", storage.planFirst(name, plan.firstDue))
        if (stored !== plan.firstDue) {
          const none = { lastStarted: undefined, lastFinished: undefined }
          plan = planTakeover(timing, { ...none, lastScheduled: stored - every }, policy, planNow)
        }
      }
    }
    yield* Effect.log(`Cluster repeater "${name}" is now held by ${holder}: ${describePlan(plan)}`)

    let version = state.version
    // completed with the new holder's name when another runner takes hold of the repeater
    const superseded = yield* Deferred.make<string>()
    let pendingCatchUp = plan.catchUp
    let runIndex = state.runs
    // Rate mode: each run stands for the tick of the durable grid that core runs it for, however late it starts
    // (an overrun, a stalled event loop); the ticks between two runs were skipped
    const grid = timing._tag === "Every" && timing.mode === "rate" && !Number.isNaN(plan.firstDue) ?
      { firstDue: plan.firstDue, every: timing.every } :
      undefined
    let previousTick: number | undefined

    const task = Effect.gen(function*() {
      const start = yield* Clock.currentTimeMillis
      const catchUp = pendingCatchUp !== undefined
      // the instant core scheduled the run for (a cron match, a grid tick; a runNow: when it was asked),
      // in whole milliseconds as the state table keeps them
      const coreTick = Option.match(yield* Repeater.currentTick, {
        onNone: () => start,
        onSome: (tick) => Math.round(DateTime.toEpochMillis(tick))
      })
      let scheduledAt: number
      if (pendingCatchUp !== undefined) scheduledAt = pendingCatchUp
      else if (grid !== undefined) scheduledAt = onGrid(grid.firstDue, grid.every, coreTick)
      else scheduledAt = coreTick
      pendingCatchUp = undefined
      const claimed = yield* storage.claim(name, version, scheduledAt, start, holder).pipe(
        Effect.catch((error) =>
          Effect.as(
            Effect.logWarning(
              `Cluster repeater "${name}": could not claim the tick of ${
                new Date(scheduledAt).toISOString()
              }; it is not run`,
              Cause.fail(error)
            ),
            Option.none<number>()
          )
        )
      )
      if (Option.isNone(claimed)) {
        const current = yield* Effect.option(storage.load(name))
        const row = Option.isSome(current) ? Option.getOrUndefined(current.value) : undefined
        if (row !== undefined && row.version !== version) {
          if (row.holder === holder && row.lastScheduled === scheduledAt) {
            // this holder's own claim, stored although the storage answered with an error: the tick is not run
            version = row.version
            previousTick = scheduledAt
            return
          }
          // another runner took hold of it since (and may have claimed ticks): this runner has lost it, even if
          // its cluster runner has not noticed yet, and claims no more ticks
          yield* Deferred.succeed(superseded, row.holder ?? "another runner")
          return
        }
        yield* Effect.log(
          `Cluster repeater "${name}": the tick of ${
            new Date(scheduledAt).toISOString()
          } was already claimed in the cluster; not run again`
        )
        return
      }
      version = claimed.value
      // counted from the previous tick this holder claimed: the claim succeeded on the version of that claim,
      // so no runner claimed a tick in between
      const skipped = grid === undefined || previousTick === undefined ?
        undefined :
        skippedBetween(previousTick, scheduledAt, grid.every)
      previousTick = scheduledAt
      if (skipped !== undefined) {
        yield* Effect.logWarning(
          `Cluster repeater "${name}": ${skipped.count} tick(s) skipped from ${
            new Date(skipped.from).toISOString()
          } (a run or the process was late by more than a period)`
        ).pipe(Effect.annotateLogs({ skippedFrom: skipped.from, skippedCount: skipped.count }))
      }
      const claimedVersion = version
      const run = ++runIndex
      const tick: TickInfo = { name, scheduledAt: DateTime.makeUnsafe(scheduledAt), holder, catchUp }
      return yield* RunPolicy.attempt(effect, runPolicy, name, run).pipe(
        Effect.provideService(CurrentTick, tick),
        Effect.onExit((exit) =>
          Effect.flatMap(Clock.currentTimeMillis, (end) =>
            storage.finish(
              name,
              claimedVersion,
              end,
              Exit.isSuccess(exit) ? "success" : Cause.hasInterruptsOnly(exit.cause) ? "interrupted" : "failure"
            )).pipe(
              Effect.catch((error) =>
                Effect.logWarning(
                  `Cluster repeater "${name}": could not record the end of run ${run}`,
                  Cause.fail(error)
                )
              )
            )
        )
      )
    })

    const handle = yield* service.fork(
      task,
      {
        ...coreOptions(options),
        retry: undefined,
        timeout: undefined,
        maxRepetitions: remaining,
        ...(plan.initialDelayMillis === undefined
          ? {}
          : { initialDelay: plan.initialDelayMillis, waitFirst: undefined })
      }
    ).pipe(Effect.orDie)
    if (plan.catchUp !== undefined) yield* handle.runNow
    const outcome = yield* Effect.raceFirst(
      Effect.map(Effect.exit(handle.join), (exit) => ({ _tag: "Ended" as const, exit })),
      Effect.map(Deferred.await(superseded), (by) => ({ _tag: "Superseded" as const, by }))
    )
    if (outcome._tag === "Superseded") {
      yield* handle.stop()
      yield* Effect.logWarning(
        `Cluster repeater "${name}": ${outcome.by} has taken hold of it; it stops on this runner (${holder})`
      )
      return
    }
    const ended = outcome.exit
    const status = yield* handle.status
    if (Exit.isFailure(ended)) yield* retried(name, "record that it has failed", storage.end(name, "failed"))
    else if (status.state === "completed") {
      if (remaining !== undefined && options.maxRepetitions !== undefined && status.runs >= remaining) {
        // the in-process repeater counted the ticks it could not claim: it ends for the cluster only once the
        // cluster has the runs; until then it goes on from the stored schedule
        const stored = yield* retried(name, "read its state", storage.load(name))
        const runs = Option.match(stored, { onNone: () => 0, onSome: (row) => row.runs })
        if (runs < options.maxRepetitions) {
          yield* Effect.log(
            `Cluster repeater "${name}": ${runs} of its ${options.maxRepetitions} runs are recorded in the cluster; it goes on`
          )

          // eslint-disable-next-line no-restricted-syntax -- a fixed internal pause of one second
          yield* Effect.sleep("1 second")
          return yield* hold(options, effect, setup)
        }
      }
      yield* retried(name, "record that it has completed", storage.end(name, "completed"))
    }
  })
