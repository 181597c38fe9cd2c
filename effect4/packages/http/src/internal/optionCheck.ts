// The option checks every package of the line shares, as the Effect 3 core's `OptionCheck` defines them: unknown
// keys with the nearest known name, and durations of at least 1 millisecond however they are written. The Effect 4
// core has no `OptionCheck` yet: these functions have its signatures, so that they can be replaced by its own.
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Result from "effect/Result"

/** @internal */
export interface OptionProblem {
  readonly field: string
  readonly value: unknown
  readonly reason: string
}

/** @internal */
export interface KeysSpec {
  readonly known: ReadonlyArray<string>
  readonly of: string
  readonly field?: string | undefined
  readonly prefix?: string | undefined
  readonly optional?: boolean | undefined
}

/** @internal */
export interface DurationProblem {
  readonly _tag: "Unreadable" | "NotADuration" | "Negative" | "Zero" | "Infinite" | "TooShort" | "TooLong"
  readonly reason: string
}

/** @internal */
export interface DurationBounds {
  readonly zero?: boolean | undefined
  readonly max?: Duration.Duration | undefined
}

/** The edit distance of two strings (insertions, deletions, substitutions). */
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** @internal */
export const nearestName = (key: string, known: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestDistance = Infinity
  const lower = key.toLowerCase()
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase())
    if (distance < bestDistance) {
      best = name
      bestDistance = distance
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** @internal */
export const checkKeys = (options: unknown, spec: KeysSpec): OptionProblem | undefined => {
  const prefix = spec.prefix ?? ""
  if (options === undefined && spec.optional === true) return undefined
  if (!isRecord(options)) {
    return {
      field: spec.field ?? "options",
      value: options,
      reason: `is not valid: the options of ${spec.of} must be an object${
        spec.optional === true ? " (or left out)" : ""
      }`
    }
  }
  for (const key of Object.keys(options)) {
    if (spec.known.includes(key)) continue
    const nearest = nearestName(key, spec.known)
    return {
      field: `${prefix}${key}`,
      value: options[key],
      reason: `is not an option of ${spec.of}: ${
        nearest === undefined ? `the options are ${spec.known.join(", ")}` : `did you mean "${nearest}"?`
      }`
    }
  }
  return undefined
}

/** @internal */
export const minimumDuration: Duration.Duration = Duration.millis(1)

/** @internal */
export const maximumDuration: Duration.Duration = Duration.millis(1e15)

const problem = (_tag: DurationProblem["_tag"], reason: string): Result.Result<never, DurationProblem> =>
  Result.fail({ _tag, reason })

const isNegative = (value: unknown): boolean =>
  (typeof value === "number" && value < 0) || (typeof value === "bigint" && value < 0n) ||
  (typeof value === "string" && /^\s*-/.test(value)) ||
  (Array.isArray(value) && value.some((part) => typeof part === "number" && part < 0))

const isPositiveAmount = (value: unknown): boolean =>
  (typeof value === "number" && value > 0) ||
  (Array.isArray(value) && value.some((part) => typeof part === "number" && part > 0)) ||
  (typeof value === "string" && /[1-9]/.test(value))

/** What Effect reads as a duration: a `Duration`, milliseconds, nanoseconds, `[seconds, nanos]` or a string. */
const readDuration = (value: unknown): Option.Option<Duration.Duration> => {
  if (Duration.isDuration(value)) return Option.some(value)
  if (typeof value === "number" || typeof value === "bigint") return Duration.fromInput(value)
  if (typeof value === "string") return /^\s*-?Infinity\s*$/.test(value) ? Option.none() : readString(value)
  if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === "number")) {
    return Duration.fromInput([value[0], value[1]])
  }
  return Option.none()
}

const durationString = /^(-?\d+(?:\.\d+)?)\s+(nanos?|micros?|millis?|seconds?|minutes?|hours?|days?|weeks?)$/

const readString = (value: string): Option.Option<Duration.Duration> => {
  const match = durationString.exec(value)
  return match === null ? Option.none() : Duration.fromInput(`${Number(match[1])} ${match[2] as "millis"}`)
}

/** @internal */
export const decodeDuration = (
  value: unknown,
  bounds: DurationBounds = {}
): Result.Result<Duration.Duration, DurationProblem> => {
  const zero = bounds.zero === true
  const max = bounds.max ?? maximumDuration
  const valid = zero ?
    "is not a valid duration: it must be finite and zero or more" :
    "is not a valid duration: it must be finite and greater than zero"
  if (typeof value === "number" && !Number.isFinite(value)) return problem("NotADuration", valid)
  if (Array.isArray(value) && value.some((part) => typeof part !== "number" || !Number.isFinite(part))) {
    return problem("NotADuration", valid)
  }
  if (isNegative(value)) return problem("Negative", valid)
  const decoded = readDuration(value)
  if (Option.isNone(decoded)) {
    return typeof value === "string" ?
      problem("Unreadable", unreadableDuration(value)) :
      problem("NotADuration", valid)
  }
  const duration = decoded.value
  if (!Duration.isFinite(duration)) return problem("Infinite", valid)
  // (a positive amount too small for a nanosecond decodes to zero: it is too short, not zero)
  const givenZero = Duration.isZero(duration) && !isPositiveAmount(value)
  if (givenZero) return zero ? Result.succeed(duration) : problem("Zero", valid)
  if (Duration.isLessThan(duration, minimumDuration)) {
    return problem(
      "TooShort",
      `is too short: a duration must be ${zero ? "0 or " : ""}at least 1 millisecond, however it is written`
    )
  }
  if (Duration.isGreaterThan(duration, max)) {
    return problem(
      "TooLong",
      bounds.max === undefined ?
        "is too long: it must be at most 1e15 milliseconds (about 31,700 years)" :
        `is too long: it must be at most ${Duration.format(max)}`
    )
  }
  return Result.succeed(duration)
}

const durationUnits = ["nanos", "micros", "millis", "seconds", "minutes", "hours", "days", "weeks"] as const

/**
 * Why a string is not a duration, with the spelling Effect reads when the
 * unit is recognisable: `"5 secs"` → try `"5 seconds"`.
 */
const unreadableDuration = (value: string): string => {
  const parts = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/.exec(value)
  const amount = parts?.[1]
  const unit = parts?.[2]?.toLowerCase()
  const known = unit === undefined ? undefined : nearestUnit(unit)
  return amount !== undefined && known !== undefined ?
    `is not a duration Effect can read: try "${amount} ${known}"` :
    `is not a duration Effect can read: write a number and one of the units ${
      durationUnits.join(", ")
    }, such as "5 seconds"`
}

const unitAbbreviations: Record<string, string> = {
  ns: "nanos",
  us: "micros",
  ms: "millis",
  s: "seconds",
  m: "minutes",
  h: "hours",
  hr: "hours",
  hrs: "hours",
  d: "days",
  w: "weeks",
  wk: "weeks",
  wks: "weeks"
}

const nearestUnit = (unit: string): string | undefined => {
  const abbreviated = unitAbbreviations[unit]
  if (abbreviated !== undefined) return abbreviated
  const stem = unit.replace(/s$/, "")
  const byPrefix = durationUnits.find((known) => stem.length >= 2 && known.startsWith(stem))
  if (byPrefix !== undefined) return byPrefix
  let best: string | undefined
  let bestDistance = 3
  for (const known of durationUnits) {
    const distance = editDistance(unit, known)
    if (distance < bestDistance) {
      best = known
      bestDistance = distance
    }
  }
  return best
}
