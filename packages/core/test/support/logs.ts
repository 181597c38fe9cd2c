/**
 * Recording the log lines a repeater writes.
 */
import { type Cause, HashMap, Logger } from "effect"

export interface CapturedLog {
  readonly level: string
  readonly message: unknown
  readonly cause: Cause.Cause<unknown>
  readonly annotations: Readonly<Record<string, unknown>>
  readonly at: number
}

/** it.effect removes the default logger: this one records every log line instead. */
export const captureLogs = (logs: Array<CapturedLog>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ annotations, cause, date, logLevel, message }) => {
      logs.push({
        level: logLevel.label,
        message,
        cause,
        annotations: Object.fromEntries(HashMap.toEntries(annotations)),
        at: date.getTime()
      })
    })
  )
