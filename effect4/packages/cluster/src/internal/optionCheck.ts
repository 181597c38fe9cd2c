/**
 * The checks of option objects that the Effect 3 core offers as its public
 * `OptionCheck` module (unknown keys with the nearest known name, strict
 * durations with a 1 millisecond minimum and an upper bound), and the names of
 * core's repeater options (`Repeater.optionKeys` there). The Effect 4 core has
 * neither yet: this is the minimum the cluster needs, to be replaced by core's
 * modules once they exist.
 */
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

/** The options of core's `Repeater.fork`. @internal */
export const repeaterOptionKeys: ReadonlyArray<string> = [
  "name",
  "every",
  "mode",
  "cron",
  "timeZone",
  "schedule",
  "initialDelay",
  "waitFirst",
  "maxRepetitions",
  "onError",
  "retry",
  "timeout",
  "jitter",
  "grace"
]

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

const nearestName = (key: string, known: ReadonlyArray<string>): string | undefined => {
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

/** The first key of `options` that `spec` does not know, with the nearest known one. @internal */
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

const minimumDuration = Duration.millis(1)

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
 * A positive, finite duration from 1 millisecond to `max`, however it is
 * written; the failure is the reason, to follow the field and the value.
 *
 * @internal
 */
export const decodeDuration = (value: unknown, max: Duration.Duration): Result.Result<Duration.Duration, string> => {
  const valid = "is not a valid duration: it must be finite and greater than zero"
  if (typeof value === "number" && !Number.isFinite(value)) return Result.fail(valid)
  if (Array.isArray(value) && value.some((part) => typeof part !== "number" || !Number.isFinite(part))) {
    return Result.fail(valid)
  }
  if (isNegative(value) || !isDurationInput(value)) return Result.fail(valid)
  const decoded = Duration.fromInput(value)
  if (Option.isNone(decoded)) {
    return Result.fail(
      typeof value === "string" ?
        "is not a duration Effect can read: write a number and a unit, such as \"5 seconds\"" :
        valid
    )
  }
  const duration = decoded.value
  if (!Duration.isFinite(duration)) return Result.fail(valid)
  // (a positive amount too small for a nanosecond decodes to zero: it is too short, not zero)
  if (Duration.isZero(duration) && !isPositiveAmount(value)) return Result.fail(valid)
  if (Duration.isLessThan(duration, minimumDuration)) {
    return Result.fail("is too short: a duration must be at least 1 millisecond, however it is written")
  }
  if (Duration.isGreaterThan(duration, max)) {
    return Result.fail(`is too long: it must be at most ${Duration.format(max)}`)
  }
  return Result.succeed(duration)
}
