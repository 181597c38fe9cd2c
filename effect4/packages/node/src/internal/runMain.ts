import { Repeater } from "@effect-repeater/core"
import * as LongWait from "@effect-repeater/core/LongWait"
import * as OptionCheck from "@effect-repeater/core/OptionCheck"
import type { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import { makeRunMain, type Teardown } from "effect/Runtime"
import type * as NodeRepeater from "../NodeRepeater.js"
import { NodeRepeaterConfigError } from "../NodeRepeaterError.js"

/** The exit code of a process that a second signal stops: 128 + the signal's number, as a shell reports it. */
export const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const

type HandledSignal = keyof typeof signalExitCodes

/** Logs through the main fiber's loggers (so that the logging set by the program applies). */
const logFrom = (fiber: Fiber.Fiber<unknown, unknown>, effect: Effect.Effect<void>) => {
  try {
    Effect.runSyncWith(fiber.context)(effect)
  } catch {
    // logging must never stand in the way of stopping
  }
}

const isLayer = <ROut, E, R>(program: Effect.Effect<unknown, E, R> | Layer.Layer<ROut, E, R>): program is Layer.Layer<
  ROut,
  E,
  R
> => Layer.isLayer(program)

const optionKeys: ReadonlyArray<keyof NodeRepeater.RunMainOptions> = [
  "repeater",
  "shutdownTimeout",
  "disableErrorReporting",
  "disablePrettyLogger",
  "teardown"
]

const configError = (problem: OptionCheck.OptionProblem) => new NodeRepeaterConfigError(problem)

/** The options checked, or the first problem found. */
const checkOptions = (
  options: unknown
): Result.Result<{ readonly shutdownTimeout: Option.Option<Duration.Duration> }, NodeRepeaterConfigError> => {
  const keys = OptionCheck.checkKeys(options, { known: optionKeys, of: "NodeRepeater.runMain", optional: true })
  if (keys !== undefined) return Result.fail(configError(keys))
  if (typeof options !== "object" || options === null) return Result.succeed({ shutdownTimeout: Option.none() })
  const given: Partial<Record<string, unknown>> = { ...options }
  for (const field of ["disableErrorReporting", "disablePrettyLogger"] as const) {
    const value = given[field]
    if (value !== undefined && typeof value !== "boolean") {
      return Result.fail(configError({ field, value, reason: "is not valid: it must be true or false" }))
    }
  }
  if (given.teardown !== undefined && typeof given.teardown !== "function") {
    return Result.fail(
      configError({ field: "teardown", value: given.teardown, reason: "is not valid: it must be a function" })
    )
  }
  const value = given.shutdownTimeout
  if (value === undefined) return Result.succeed({ shutdownTimeout: Option.none() })
  return Result.match(OptionCheck.decodeDuration(value), {
    onFailure: (problem) =>
      Result.fail(configError({
        field: "shutdownTimeout",
        value,
        reason: problem._tag === "TooShort" || problem._tag === "TooLong" || problem._tag === "Unreadable" ?
          problem.reason :
          "is not valid: it must be a finite duration longer than 0"
      })),
    onSuccess: (duration) => Result.succeed({ shutdownTimeout: Option.some(duration) })
  })
}

const isTeardown = (value: unknown): value is Teardown => typeof value === "function"

/**
 * The exit code of a program that ended: 0 when it succeeded or was only interrupted (a graceful stop), 1 when it
 * failed (Effect 4's own default answers 130 for an interruption).
 */
const teardownOfRunMain: Teardown = (exit, onExit) =>
  onExit(Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause) ? 1 : 0)

/** @internal */
export const runMain = <ROut, E>(
  program: Effect.Effect<unknown, E, Repeater.Repeater> | Layer.Layer<ROut, E, Repeater.Repeater>,
  givenOptions: NodeRepeater.RunMainOptions = {}
): void => {
  const main: Effect.Effect<unknown, E, Repeater.Repeater> = isLayer(program) ? Layer.launch(program) : program
  const checked = checkOptions(givenOptions)
  const options: NodeRepeater.RunMainOptions = Result.isSuccess(checked) ? givenOptions : {}
  // how a failure is reported and the exit code chosen: as given, where it can be (options that are not an object
  // are reported with the defaults)
  const given: unknown = givenOptions
  const reportingOptions: NodeRepeater.RunMainOptions = typeof given === "object" && given !== null ? givenOptions : {}
  const shutdownTimeout = Result.isSuccess(checked) ? checked.success.shutdownTimeout : Option.none()
  const provided: Effect.Effect<unknown, E | NodeRepeaterConfigError | RepeaterConfigError> =
    Result.isFailure(checked) ?
      Effect.fail(checked.failure) :
      Effect.provide(
        main,
        options.repeater === undefined ? Repeater.layer : Repeater.layerWith(options.repeater)
      )
  const effect = reportingOptions.disablePrettyLogger === true ?
    provided :
    Effect.provide(provided, Logger.layer([Logger.consolePretty()]))

  makeRunMain(({ fiber, teardown }) => {
    let received: HandledSignal | undefined

    const onSignal = (signal: HandledSignal) => {
      if (received !== undefined) {
        logFrom(fiber, Effect.logWarning(`${signal} received again: exiting at once`))
        process.exit(signalExitCodes[signal])
      }
      received = signal
      logFrom(
        fiber,
        Effect.logInfo(`${signal} received: stopping gracefully; send it again to exit at once`)
      )
      if (Option.isSome(shutdownTimeout)) {
        const timeout = shutdownTimeout.value
        // split into timers below 2^31 - 1 ms: a longer setTimeout fires at once
        LongWait.setTimer(timeout, () => {
          logFrom(
            fiber,
            Effect.logError(`The graceful stop took longer than ${Duration.format(timeout)}: exiting at once`)
          )
          process.exit(1)
        }, { unref: true })
      }
      fiber.interruptUnsafe(fiber.id)
    }
    const onSigint = () => onSignal("SIGINT")
    const onSigterm = () => onSignal("SIGTERM")
    process.on("SIGINT", onSigint)
    process.on("SIGTERM", onSigterm)

    fiber.addObserver((exit) => {
      teardown(exit, (code) => {
        process.removeListener("SIGINT", onSigint)
        process.removeListener("SIGTERM", onSigterm)
        if (received !== undefined || code !== 0) {
          process.exit(code)
        }
      })
    })
  })(effect, {
    disableErrorReporting: reportingOptions.disableErrorReporting === true,
    teardown: isTeardown(reportingOptions.teardown) ? reportingOptions.teardown : teardownOfRunMain
  })
}
