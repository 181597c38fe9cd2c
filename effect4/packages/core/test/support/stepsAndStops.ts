import { Repeater } from "@effect-repeater/core"
import type { Fiber } from "effect"
import { Clock, type Context, Effect, Layer, Option, Scope } from "effect"
import { poll } from "./probe.js"
import { now, steppableClock } from "./time.js"

export const minute = 60_000

export const hour = 60 * minute

export const isPending = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.map(poll(fiber), Option.isNone)

/** A stop, with the virtual time at which it resolved. */
export const timedStop = (stop: Effect.Effect<string, unknown>) => Effect.zip(stop, now)

/**
 * A `Repeater` service (grace 0) on a steppable clock, built in `scope`, and a `fork` that starts
 * repeaters in that service and Scope with the same clock.
 */
export const steppableService = (scope: Scope.Scope) =>
  Effect.gen(function*() {
    const base = yield* Clock.clockWith(Effect.succeed)
    const stepper = steppableClock(base)
    const context: Context.Context<Repeater.Repeater> = yield* Layer.buildWithScope(
      Repeater.layerWith({ defaultGrace: 0 }),
      scope
    ).pipe(Effect.provideService(Clock.Clock, stepper.clock))
    const onService = <A, E>(effect: Effect.Effect<A, E, Repeater.Repeater | Scope.Scope>) =>
      effect.pipe(Effect.provide(context), Scope.provide(scope), Effect.provideService(Clock.Clock, stepper.clock))
    return { ...stepper, onService }
  })

export const iso = (text: string) => new Date(text).toISOString()
