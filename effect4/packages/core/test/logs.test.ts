import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { dieOption, failureOption, type LogLine, originalError, replaceLoggers } from "./support/effect3.js"
import { Boom } from "./support/errors.js"

const recordingLogger = () => {
  const logs: Array<LogLine> = []
  return { logs, logger: replaceLoggers((line) => void logs.push(line)) }
}

const annotation = (entry: LogLine, key: string): unknown => entry.annotations[key]

// -----------------------------------------------------------------------------
// logs
// -----------------------------------------------------------------------------

describe("logs", () => {
  it.effect("logs emitted inside the task are annotated with the repeater's name and run index", () => {
    const { logger, logs } = recordingLogger()
    return Effect.gen(function*() {
      let run = 0
      const task = Effect.suspend(() => {
        run++
        return Effect.annotateLogs(Effect.log("working"), "mine", run * 10)
      })
      yield* Repeater.fork(task, { name: "obs-logs", every: "10 seconds" })
      yield* TestClock.adjust("25 seconds")
      const working = logs.filter((entry) => Array.isArray(entry.message) && entry.message[0] === "working")
      assert.deepStrictEqual(
        working.map((entry) => ({
          level: entry.level,
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
    }).pipe(Effect.provide(logger), Effect.provide(Repeater.layer))
  })

  it.effect("a failed run is logged at Error level with its full Cause, annotated with name and run", () => {
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
      const errors = logs.filter((entry) => entry.level === "ERROR")
      assert.deepStrictEqual(
        errors.map((entry) => ({
          repeater: annotation(entry, "repeater"),
          run: annotation(entry, "run"),
          failure: originalError(Option.getOrUndefined(failureOption(entry.cause))),
          defect: originalError(Option.getOrUndefined(dieOption(entry.cause)))
        })),
        [
          { repeater: "obs-logs-failure", run: 2, failure: boom, defect: undefined },
          { repeater: "obs-logs-failure", run: 3, failure: undefined, defect }
        ]
      )
    }).pipe(Effect.provide(logger), Effect.provide(Repeater.layer))
  })
})
