import * as Duration from "effect/Duration"
import * as Option from "effect/Option"

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

/** The edit distance of two strings (insertions, deletions, substitutions). */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]!
}

/**
 * The known name nearest to `key`, when it is near enough to be what was
 * meant (case aside, a third of its letters wrong at most).
 *
 * @internal
 */
export const nearestName = (key: string, known: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of known) {
    const d = distance(key.toLowerCase(), name.toLowerCase())
    if (d < bestDistance) {
      best = name
      bestDistance = d
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined
}

/**
 * Checks that `options` is an object (or absent) whose keys are all known.
 *
 * @internal
 */
export const checkKeys = (
  options: unknown,
  known: ReadonlyArray<string>,
  of: string
): SettingProblem | undefined => {
  if (options === undefined) return undefined
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    return {
      field: "options",
      value: formatGiven(options),
      reason: `the options of ${of} must be an object (or left out)`
    }
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    const nearest = nearestName(key, known)
    return {
      field: key,
      value: formatGiven((options as Record<string, unknown>)[key]),
      reason: `is not an option of ${of}: ${
        nearest === undefined ? `the options are ${known.join(", ")}` : `did you mean "${nearest}"?`
      }`
    }
  }
  return undefined
}

/**
 * Decodes a duration setting strictly, with one range for every way to give
 * it (milliseconds, a string such as `"15 seconds"`, a `Duration`, `[seconds,
 * nanos]`, a bigint of nanoseconds): `undefined` when absent.
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
  const decoded = typeof value === "number" && !Number.isFinite(value) ? Option.none() : Duration.decodeUnknown(value)
  if (Option.isNone(decoded)) {
    return {
      problem: {
        field,
        value: given,
        reason: `is not a duration: give one ${between}, such as "15 seconds" or a number of milliseconds`
      }
    }
  }
  const negative = (typeof value === "number" && value < 0) || (typeof value === "bigint" && value < 0n) ||
    (typeof value === "string" && /^\s*-/.test(value)) ||
    (Array.isArray(value) && value.some((part) => typeof part === "number" && part < 0))
  if (negative || Duration.lessThan(decoded.value, range.min) || Duration.greaterThan(decoded.value, range.max)) {
    return { problem: { field, value: given, reason: `is out of range: it must be ${between}` } }
  }
  return { duration: decoded.value }
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
