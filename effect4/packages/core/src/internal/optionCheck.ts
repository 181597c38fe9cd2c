import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type * as OptionCheck from "../OptionCheck.js"

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
export const checkKeys = (
  options: unknown,
  spec: OptionCheck.KeysSpec
): OptionCheck.OptionProblem | undefined => {
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

const problem = (
  _tag: OptionCheck.DurationProblem["_tag"],
  reason: string
): Result.Result<never, OptionCheck.DurationProblem> => Result.fail({ _tag, reason })

/** The fields of a `Duration.DurationObject` (`{ seconds: 5 }`). */
const durationObjectFields: ReadonlyArray<string> = [
  "weeks",
  "days",
  "hours",
  "minutes",
  "seconds",
  "milliseconds",
  "microseconds",
  "nanoseconds"
]

/** The amounts a duration is written with: the number, the parts of `[seconds, nanos]`, the fields of an object. */
const amounts = (value: unknown): ReadonlyArray<unknown> =>
  Array.isArray(value) ?
    value :
    isRecord(value) && !Duration.isDuration(value) ?
    Object.values(value) :
    [value]

/** An object that only a `Duration.DurationObject` could be: known fields with numbers. */
const isDurationObject = (value: unknown): boolean =>
  isRecord(value) && Object.keys(value).length > 0 &&
  Object.entries(value).every(([key, part]) =>
    durationObjectFields.includes(key) && (part === undefined || typeof part === "number")
  )

const isNegative = (value: unknown): boolean =>
  (typeof value === "bigint" && value < 0n) || (typeof value === "string" && /^\s*-/.test(value)) ||
  amounts(value).some((part) => typeof part === "number" && part < 0)

const isPositiveAmount = (value: unknown): boolean =>
  (typeof value === "string" && /[1-9]/.test(value)) ||
  amounts(value).some((part) => typeof part === "number" && part > 0)

/**
 * Whether `value` may be handed to `Duration.fromInput`: only its shape is checked here (it reads strings and
 * objects itself, refusing what it cannot read).
 */
const isInput = (value: unknown): value is Duration.Input =>
  typeof value === "number" || typeof value === "bigint" || typeof value === "string" ||
  Duration.isDuration(value) ||
  (Array.isArray(value) && value.length === 2) || isDurationObject(value)

/** @internal */
export const decodeDuration = (
  value: unknown,
  bounds: OptionCheck.DurationBounds = {}
): Result.Result<Duration.Duration, OptionCheck.DurationProblem> => {
  const zero = bounds.zero === true
  const max = bounds.max ?? maximumDuration
  const valid = zero ?
    "is not a valid duration: it must be finite and zero or more" :
    "is not a valid duration: it must be finite and greater than zero"
  if (typeof value === "number" && !Number.isFinite(value)) return problem("NotADuration", valid)
  if (
    (Array.isArray(value) || isRecord(value)) && !Duration.isDuration(value) &&
    amounts(value).some((part) => part !== undefined && (typeof part !== "number" || !Number.isFinite(part)))
  ) {
    return problem("NotADuration", valid)
  }
  if (isNegative(value)) return problem("Negative", valid)
  const decoded = isInput(value) ? Duration.fromInput(value) : Option.none()
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
