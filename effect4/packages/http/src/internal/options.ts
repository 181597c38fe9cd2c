import * as OptionCheck from "@effect-repeater/core/OptionCheck"
import * as Duration from "effect/Duration"
import * as Result from "effect/Result"

/**
 * What is wrong with one setting: its name, its value as given (formatted)
 * and why.
 *
 * @internal
 */
export interface SettingProblem {
  readonly field: string
  readonly value: string
  readonly reason: string
}

/**
 * A value as it was given, for an error message: strings quoted, durations
 * formatted, anything else as JSON where it can be.
 *
 * @internal
 */
export const formatGiven = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "bigint") return `${value}n`
  if (typeof value === "number" || typeof value === "boolean" || value === undefined || value === null) {
    return String(value)
  }
  if (Duration.isDuration(value)) return `Duration(${Duration.format(value)})`
  if (typeof value === "function") return "a function"
  try {
    const json = JSON.stringify(value)
    return json === undefined ? String(value) : json
  } catch {
    return String(value)
  }
}

/**
 * Checks that `options` is an object (or absent) whose keys are all known, by
 * the rule every package shares (`OptionCheck.checkKeys`).
 *
 * @internal
 */
export const checkKeys = (
  options: unknown,
  known: ReadonlyArray<string>,
  of: string
): SettingProblem | undefined => {
  const problem = OptionCheck.checkKeys(options, { known, of, optional: true })
  return problem === undefined ? undefined : { ...problem, value: formatGiven(problem.value) }
}

/**
 * Decodes a duration setting by the rule every package shares
 * (`OptionCheck.decodeDuration`), within the setting's own range:
 * `undefined` when absent.
 *
 * @internal
 */
export const decodeDurationSetting = (
  field: string,
  value: unknown,
  range: { readonly min: Duration.Duration; readonly max: Duration.Duration }
): { readonly problem: SettingProblem } | { readonly duration: Duration.Duration | undefined } => {
  if (value === undefined) return { duration: undefined }
  const given = formatGiven(value)
  const between = `from ${Duration.format(range.min)} to ${Duration.format(range.max)}`
  const decoded = OptionCheck.decodeDuration(value, { max: range.max })
  if (Result.isFailure(decoded) && (decoded.failure._tag === "Unreadable" || decoded.failure._tag === "NotADuration")) {
    return {
      problem: {
        field,
        value: given,
        reason: `is not a duration: give one ${between}, such as "15 seconds" or a number of milliseconds`
      }
    }
  }
  if (Result.isFailure(decoded) || Duration.isLessThan(decoded.success, range.min)) {
    return { problem: { field, value: given, reason: `is out of range: it must be ${between}` } }
  }
  return { duration: decoded.success }
}

/**
 * Checks a whole-number setting within a range: `undefined` when absent.
 *
 * @internal
 */
export const decodeCountSetting = (
  field: string,
  value: unknown,
  range: { readonly min: number; readonly max: number }
): { readonly problem: SettingProblem } | { readonly count: number | undefined } => {
  if (value === undefined) return { count: undefined }
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
    return {
      problem: {
        field,
        value: formatGiven(value),
        reason: `is not valid: it must be a whole number from ${range.min} to ${range.max}`
      }
    }
  }
  return { count: value }
}
