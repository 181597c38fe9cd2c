/**
 * What the tests of the Effect 3 core read with Effect 3's own functions, on Effect 4: the twin tests then say the
 * same thing in the same words.
 */
import type { Layer } from "effect"
import { Cause, Context, Effect, Logger, Option, References, Result, Schedule } from "effect"

/** The first typed failure of a cause (Effect 3's `Cause.failureOption`). */
export const failureOption = <E>(cause: Cause.Cause<E>): Option.Option<E> => Cause.findErrorOption(cause)

/** The first defect of a cause (Effect 3's `Cause.dieOption`). */
export const dieOption = <E>(cause: Cause.Cause<E>): Option.Option<unknown> =>
  Result.match(Cause.findDefect(cause), { onFailure: () => Option.none(), onSuccess: Option.some })

/** Effect 3 wraps an error that went through a span; Effect 4 hands it over as it is. */
export const originalError = <A>(error: A): A => error

/** Every typed failure of a cause (Effect 3's `Cause.failures`). */
export const failures = <E>(cause: Cause.Cause<E>): Array<E> =>
  cause.reasons.filter(Cause.isFailReason).map((reason) => reason.error)

/** Every defect of a cause (Effect 3's `Cause.defects`). */
export const defects = <E>(cause: Cause.Cause<E>): Array<unknown> =>
  cause.reasons.filter(Cause.isDieReason).map((reason) => reason.defect)

/** A log line as Effect 3's `Logger.make` saw it: its level's label (`"ERROR"`), message, cause and annotations. */
export interface LogLine {
  readonly level: string
  readonly message: unknown
  readonly cause: Cause.Cause<unknown>
  readonly annotations: Readonly<Record<string, unknown>>
  readonly date: Date
}

/** A logger that replaces every other one and hands each line to `onLine` (Effect 3's `Logger.replace`). */
export const replaceLoggers = (onLine: (line: LogLine) => void): Layer.Layer<never> =>
  Logger.layer([
    Logger.make(({ cause, date, fiber, logLevel, message }) => {
      onLine({
        level: logLevel.toUpperCase(),
        message: Array.isArray(message) ? message : [message],
        cause,
        annotations: Context.get(fiber.context, References.CurrentLogAnnotations),
        date
      })
    })
  ])

/**
 * Effect 3's `TestClock.adjust` waited until every fiber had suspended; Effect 4's waits for the fibers its
 * sleeps wake (and what they schedule), not for a chain of zero-length waits started before it (a schedule
 * with no delay, whose runs each follow a yield): this lets such a chain run out.
 */
export const settle: Effect.Effect<void> = Effect.asVoid(Effect.repeat(Effect.yieldNow, Schedule.recurs(100)))
