import type { Cause } from "effect"
import { Data, Effect } from "effect"
import { replaceLoggers } from "./effect3.js"
import { now } from "./time.js"

export class TaskError extends Data.TaggedError("TaskError")<{ readonly message: string }> {}

export interface CapturedLog {
  readonly level: string
  readonly message: unknown
  readonly cause: Cause.Cause<unknown>
  readonly annotations: Readonly<Record<string, unknown>>
  readonly at: number
}

/** it.effect removes the default logger: this one records every log line instead. */
export const captureLogs = (logs: Array<CapturedLog>) =>
  replaceLoggers(({ annotations, cause, date, level, message }) => {
    logs.push({ level, message, cause, annotations, at: date.getTime() })
  })

/** A task that records its start times, and fails (or dies, or is interrupted) as `outcome` says for its n-th run. */
export const scriptedTask = (
  starts: Array<number>,
  outcome: (run: number) => Effect.Effect<void, TaskError>
) =>
  Effect.flatMap(now, (t) =>
    Effect.suspend(() => {
      starts.push(t)
      return outcome(starts.length)
    }))
