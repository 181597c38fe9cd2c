import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type { RepeaterOptions } from "../Repeater.js"
import { type RepeaterConfigError, RepeaterTimeoutError } from "../RepeaterError.js"
import type { StopResult } from "../RepeaterEvent.js"
import type { RunPolicy } from "../RunPolicy.js"
import { validate } from "./config.js"
import { timeoutFail, timeoutOption } from "./sleep.js"

/**
 * The run policy of options that pass every check of `fork` (on the Clock's time, as `Repeater.validate` does).
 *
 * @internal
 */
export const decode = <E>(options: RepeaterOptions<E>): Effect.Effect<RunPolicy<E>, RepeaterConfigError> =>
  Effect.clockWith((clock) =>
    Effect.suspend(() => {
      // (the grace plays no part in the policy)
      const validated = validate(options, Duration.zero, clock.currentTimeMillisUnsafe())
      return Result.isFailure(validated) ?
        Effect.fail(validated.failure) :
        Effect.succeed({ retry: validated.success.retry, timeout: validated.success.timeout })
    })
  )

/**
 * The task with its timeout and retries; with either, each attempt has a Scope of its own. (A timeout
 * longer than one JavaScript timer is made of several sleeps, on any Clock: see `sleep.ts`.)
 *
 * @internal
 */
export const attempt = <A, E, R>(
  task: Effect.Effect<A, E, R>,
  policy: RunPolicy<E>,
  name: string,
  run: number
): Effect.Effect<A, E | RepeaterTimeoutError, R> => {
  const { retry, timeout } = policy
  if (timeout === undefined && retry === undefined) return task
  const scoped = Effect.scoped(task)
  let effect: Effect.Effect<A, E | RepeaterTimeoutError, R> = scoped
  if (timeout !== undefined) {
    effect = timeoutFail(scoped, timeout, () => new RepeaterTimeoutError({ repeater: name, run, timeout }))
  }
  if (retry !== undefined) effect = Effect.retry(effect, retry)
  return effect
}

/** @internal */
export const wasInterrupted = (exit: Exit.Exit<unknown, unknown>): boolean =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)

/**
 * Waits for the run for at most `grace`, then interrupts it (and waits until it has ended).
 *
 * @internal
 */
export const gracefully = (fiber: Fiber.Fiber<unknown, unknown>, grace: Duration.Duration) =>
  Effect.flatMap(
    timeoutOption(Effect.interruptible(Fiber.await(fiber)), grace),
    (finished): Effect.Effect<StopResult> =>
      Option.isSome(finished) ? Effect.succeed("finished") : Effect.as(Fiber.interrupt(fiber), "interrupted")
  )

/**
 * A run whose finalizers failed (died) is a failed run, with both causes.
 *
 * @internal
 */
export const withFinalizerFailure = <A, E>(exit: Exit.Exit<A, E>, closed: Exit.Exit<void>): Exit.Exit<A, E> => {
  if (Exit.isSuccess(closed)) return exit
  return Exit.failCause(Exit.isSuccess(exit) ? closed.cause : Cause.combine(exit.cause, closed.cause))
}
