import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, HashMap, Logger, LogLevel, Option, TestClock } from "effect"
import { Boom } from "./support/errors.js"

interface LogEntry {
  readonly level: LogLevel.LogLevel
  readonly message: ReadonlyArray<unknown>
  readonly annotations: HashMap.HashMap<string, unknown>
  readonly cause: Cause.Cause<unknown>
}

const recordingLogger = () => {
  const logs: Array<LogEntry> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
    logs.push({
      level: logLevel,
      message: Array.isArray(message) ? message : [message],
      annotations,
      cause
    })
  })
  return { logs, logger }
}

const annotation = (entry: LogEntry, key: string): unknown => Option.getOrUndefined(HashMap.get(entry.annotations, key))

// -----------------------------------------------------------------------------
// logs
// -----------------------------------------------------------------------------

describe("logs", () => {
  it.scoped("logs emitted inside the task are annotated with the repeater's name and run index", () => {
    const { logger, logs } = recordingLogger()
    return Effect.gen(function*() {
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return Effect.annotateLogs(Effect.log("working"), "mine", run * 10)
      })
      yield* Repeater.fork(task, { name: "obs-logs", every: "10 seconds" })
      yield* TestClock.adjust("25 seconds")
      const working = logs.filter((entry) => entry.message[0] === "working")
      assert.deepStrictEqual(
        working.map((entry) => ({
          level: entry.level.label,
          repeater: annotation(entry, "repeater"),
          run: annotation(entry, "run"),
          mine: annotation(entry, "mine")
        })),
        [
          { level: "INFO", repeater: "obs-logs", run: 1, mine: 10 },
          { level: "INFO", repeater: "obs-logs", run: 2, mine: 20 },
          { level: "INFO", repeater: "obs-logs", run: 3, mine: 30 }
        ]
      )
    }).pipe(Effect.provide(Logger.add(logger)), Effect.provide(Repeater.layer))
  })

  it.scoped("a failed run is logged at Error level with its full Cause, annotated with name and run", () => {
    const { logger, logs } = recordingLogger()
    return Effect.gen(function*() {
      const boom = new Boom({ reason: "second run" })
      const defect = new Error("third run")
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return run === 2 ? Effect.fail(boom) : run === 3 ? Effect.die(defect) : Effect.void
      })
      yield* Repeater.fork(task, { name: "obs-logs-failure", every: "10 seconds" })
      yield* TestClock.adjust("25 seconds")
      const errors = logs.filter((entry) => entry.level._tag === LogLevel.Error._tag)
      assert.deepStrictEqual(
        errors.map((entry) => ({
          repeater: annotation(entry, "repeater"),
          run: annotation(entry, "run"),
          failure: Cause.originalError(Option.getOrUndefined(Cause.failureOption(entry.cause))),
          defect: Cause.originalError(Option.getOrUndefined(Cause.dieOption(entry.cause)))
        })),
        [
          { repeater: "obs-logs-failure", run: 2, failure: boom, defect: undefined },
          { repeater: "obs-logs-failure", run: 3, failure: undefined, defect }
        ]
      )
    }).pipe(Effect.provide(Logger.add(logger)), Effect.provide(Repeater.layer))
  })
})
