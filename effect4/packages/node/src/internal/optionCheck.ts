/**
 * The option rules of the Effect 3 core's `OptionCheck` module (an options
 * object must be an object, every key must be known, a misspelt one is reported
 * with the nearest known name, every duration however written is at least
 * 1 millisecond), for the options of this package. The Effect 4 core has no
 * public `OptionCheck` module yet: when it has one, this file gives way to it
 * (the names and shapes here are the same).
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Result from "effect/Result"

/** What is wrong with one option: its name, the value as given, and why. */
export interface OptionProblem {
  readonly field: string
  readonly value: unknown
  readonly reason: string
}

/** The keys an options object may have. */
export interface KeysSpec {
  /** Every key the options may have. */
  readonly known: ReadonlyArray<string>
  /** What the options belong to, for the message: `"WorkerPool.make"`. */
  readonly of: string
  /** The name of the options object, when it is not an object; default `"options"`. */
  readonly field?: string | undefined
  /** Whether the whole object may be left out (`undefined`). Default: false. */
  readonly optional?: boolean | undefined
}

/** Why a value is not an accepted duration. */
export interface DurationProblem {
  readonly _tag: "Unreadable" | "NotADuration" | "Negative" | "Zero" | "Infinite" | "TooShort" | "TooLong"
  /** What is wrong, to follow the field and value in a message. */
  readonly reason: string
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

/** The known name nearest to `key`, when it is near enough to be what was meant. */
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

/** Checks that `options` is an object (or left out, when `optional`), whatever its keys. */
export const checkObject = (options: unknown, spec: Omit<KeysSpec, "known">): OptionProblem | undefined =>
  isRecord(options) ? undefined : checkKeys(options, { ...spec, known: [] })

/** Checks that `options` is an object whose keys are all known: the first problem found, or `undefined`. */
export const checkKeys = (options: unknown, spec: KeysSpec): OptionProblem | undefined => {
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
      field: key,
      value: options[key],
      reason: `is not an option of ${spec.of}: ${
        nearest === undefined ? `the options are ${spec.known.join(", ")}` : `did you mean "${nearest}"?`
      }`
    }
  }
  return undefined
}

const minimumDuration = Duration.millis(1)

const maximumDuration = Duration.millis(1e15)

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

const isDurationInput = (value: unknown): value is Duration.Input =>
  typeof value === "number" || typeof value === "bigint" || typeof value === "string" || Array.isArray(value) ||
  Duration.isDuration(value) || (typeof value === "object" && value !== null)

/**
 * Decodes a duration option strictly, with one rule for every way to write it:
 * finite, greater than 0, at least 1 millisecond and at most 1e15 milliseconds.
 */
export const decodeDuration = (value: unknown): Result.Result<Duration.Duration, DurationProblem> => {
  const valid = "is not a valid duration: it must be finite and greater than zero"
  if (typeof value === "number" && !Number.isFinite(value)) return problem("NotADuration", valid)
  if (Array.isArray(value) && value.some((part) => typeof part !== "number" || !Number.isFinite(part))) {
    return problem("NotADuration", valid)
  }
  if (isNegative(value)) return problem("Negative", valid)
  const decoded = isDurationInput(value) ? Duration.fromInput(value) : Option.none()
  if (Option.isNone(decoded)) {
    return typeof value === "string" ?
      problem("Unreadable", `is not a duration Effect can read: write a number and a unit, such as "5 seconds"`) :
      problem("NotADuration", valid)
  }
  const duration = decoded.value
  if (!Duration.isFinite(duration)) return problem("Infinite", valid)
  // (a positive amount too small for a nanosecond decodes to zero: it is too short, not zero)
  if (Duration.isZero(duration) && !isPositiveAmount(value)) return problem("Zero", valid)
  if (Duration.isLessThan(duration, minimumDuration)) {
    return problem("TooShort", "is too short: a duration must be at least 1 millisecond, however it is written")
  }
  if (Duration.isGreaterThan(duration, maximumDuration)) {
    return problem("TooLong", "is too long: it must be at most 1e15 milliseconds (about 31,700 years)")
  }
  return Result.succeed(duration)
}
