import { Repeater } from "@effect-repeater/core"
import * as LongWait from "@effect-repeater/core/LongWait"
import * as OptionCheck from "@effect-repeater/core/OptionCheck"
import type { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { makeRunMain, type Teardown } from "@effect/platform/Runtime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Fiber from "effect/Fiber"
import { constVoid } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import type * as NodeRepeater from "../NodeRepeater.js"
import { NodeRepeaterConfigError } from "../NodeRepeaterError.js"

/** The exit code of a process that a second signal stops: 128 + the signal's number, as a shell reports it. */
export const signalExitCodes = { SIGINT: 130, SIGTERM: 143 } as const

type HandledSignal = keyof typeof signalExitCodes

/** Logs through the main fiber's loggers (so that `Logger.pretty` or JSON logging set by the program apply). */
const logFrom = (fiber: Fiber.RuntimeFiber<unknown, unknown>, effect: Effect.Effect<void>) => {
  try {
    Runtime.runSync(
      Runtime.make({
        context: fiber.currentContext,
        fiberRefs: fiber.getFiberRefs(),
        runtimeFlags: Runtime.defaultRuntimeFlags
      })
    )(effect)
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
): Either.Either<{ readonly shutdownTimeout: Option.Option<Duration.Duration> }, NodeRepeaterConfigError> => {
  const keys = OptionCheck.checkKeys(options, { known: optionKeys, of: "NodeRepeater.runMain", optional: true })
  if (keys !== undefined) return Either.left(configError(keys))
  if (typeof options !== "object" || options === null) return Either.right({ shutdownTimeout: Option.none() })
  const given: Partial<Record<string, unknown>> = { ...options }
  for (const field of ["disableErrorReporting", "disablePrettyLogger"] as const) {
    const value = given[field]
    if (value !== undefined && typeof value !== "boolean") {
      return Either.left(configError({ field, value, reason: "is not valid: it must be true or false" }))
    }
  }
  if (given.teardown !== undefined && typeof given.teardown !== "function") {
    return Either.left(
      configError({ field: "teardown", value: given.teardown, reason: "is not valid: it must be a function" })
    )
  }
  const value = given.shutdownTimeout
  if (value === undefined) return Either.right({ shutdownTimeout: Option.none() })
  return Either.match(OptionCheck.decodeDuration(value), {
    onLeft: (problem) =>
      Either.left(configError({
        field: "shutdownTimeout",
        value,
        reason: problem._tag === "TooShort" || problem._tag === "TooLong" || problem._tag === "Unreadable" ?
          problem.reason :
          "is not valid: it must be a finite duration longer than 0"
      })),
    onRight: (duration) => Either.right({ shutdownTimeout: Option.some(duration) })
  })
}

const isTeardown = (value: unknown): value is Teardown => typeof value === "function"

/** @internal */
export const runMain = <ROut, E>(
  program: Effect.Effect<unknown, E, Repeater.Repeater> | Layer.Layer<ROut, E, Repeater.Repeater>,
  givenOptions: NodeRepeater.RunMainOptions = {}
): void => {
  const main: Effect.Effect<unknown, E, Repeater.Repeater> = isLayer(program) ? Layer.launch(program) : program
  const checked = checkOptions(givenOptions)
  const options: NodeRepeater.RunMainOptions = Either.isRight(checked) ? givenOptions : {}
  // how a failure is reported and the exit code chosen: as given, where it can be (options that are not an object
  // are reported with the defaults)
  const given: unknown = givenOptions
  const reportingOptions: NodeRepeater.RunMainOptions = typeof given === "object" && given !== null ? givenOptions : {}
  const shutdownTimeout = Either.isRight(checked) ? checked.right.shutdownTimeout : Option.none()
  const effect: Effect.Effect<unknown, E | NodeRepeaterConfigError | RepeaterConfigError> = Either.isLeft(checked) ?
    Effect.fail(checked.left) :
    Effect.provide(
      main,
      options.repeater === undefined ? Repeater.layer : Repeater.layerWith(options.repeater)
    )

  makeRunMain(({ fiber, teardown }) => {
    const keepAlive = setInterval(constVoid, 2 ** 31 - 1)
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
      fiber.unsafeInterruptAsFork(fiber.id())
    }
    const onSigint = () => onSignal("SIGINT")
    const onSigterm = () => onSignal("SIGTERM")
    process.on("SIGINT", onSigint)
    process.on("SIGTERM", onSigterm)

    fiber.addObserver((exit) => {
      clearInterval(keepAlive)
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
    disablePrettyLogger: reportingOptions.disablePrettyLogger === true,
    teardown: isTeardown(reportingOptions.teardown) ? reportingOptions.teardown : undefined
  })
}
