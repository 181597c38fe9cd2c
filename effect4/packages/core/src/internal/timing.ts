import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type { RepeaterOptions } from "../Repeater.js"
import type { RepeaterConfigError } from "../RepeaterError.js"
import type { RepeaterTiming } from "../RepeaterTiming.js"
import { decodeTiming, validate } from "./config.js"

/**
 * The timing of options that pass every check of `fork` (on the Clock's time,
 * as `Repeater.validate` does: a cron expression must match after it).
 *
 * @internal
 */
export const decode = <E>(options: RepeaterOptions<E>): Effect.Effect<RepeaterTiming, RepeaterConfigError> =>
  Effect.clockWith((clock) =>
    Effect.suspend(() => {
      const now = clock.currentTimeMillisUnsafe()
      // (the grace plays no part in the timing)
      const decoded = Result.flatMap(
        validate(options, Duration.zero, now),
        (config) => decodeTiming(config.name, options, now)
      )
      return Result.isFailure(decoded) ? Effect.fail(decoded.failure) : Effect.succeed(decoded.success)
    })
  )
