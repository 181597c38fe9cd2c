import { Repeater } from "@effect-repeater/core"
import * as LongWait from "@effect-repeater/core/LongWait"
import type { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { makeRunMain } from "@effect/platform/Runtime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
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

/** @internal */
export const runMain = <ROut, E>(
  program: Effect.Effect<unknown, E, Repeater.Repeater> | Layer.Layer<ROut, E, Repeater.Repeater>,
  options: NodeRepeater.RunMainOptions = {}
): void => {
  const main: Effect.Effect<unknown, E, Repeater.Repeater> = isLayer(program) ? Layer.launch(program) : program
  const shutdownTimeout = Option.flatMap(
    Option.fromNullable(options.shutdownTimeout),
    Duration.decodeUnknown
  )
  const invalidTimeout = options.shutdownTimeout !== undefined &&
    (Option.isNone(shutdownTimeout) || !Duration.isFinite(shutdownTimeout.value) ||
      Duration.toMillis(shutdownTimeout.value) <= 0)
  const effect: Effect.Effect<unknown, E | NodeRepeaterConfigError | RepeaterConfigError> = invalidTimeout ?
    Effect.fail(
      new NodeRepeaterConfigError({
        field: "shutdownTimeout",
        value: options.shutdownTimeout,
        reason: "is not valid: it must be a finite duration longer than 0"
      })
    ) :
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
    disableErrorReporting: options.disableErrorReporting,
    disablePrettyLogger: options.disablePrettyLogger,
    teardown: options.teardown
  })
}
