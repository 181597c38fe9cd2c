import * as Triggers from "@effect-repeater/kernel/Trigger"
import * as Cause from "effect/Cause"
import * as Cron from "effect/Cron"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Pull from "effect/Pull"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import type { RepeaterOptions } from "../Repeater.js"
import { RepeaterConfigError, type RepeaterTimeoutError } from "../RepeaterError.js"
import type { RepeaterTiming, ScheduleStep } from "../RepeaterTiming.js"
import { countMatches } from "./cronMatches.js"
import { checkKeys, decodeDuration as decodeSharedDuration, maximumDuration } from "./optionCheck.js"

/**
 * A step of an Effect 4 `Schedule`: the step function `Schedule.toStep` made
 * (the schedule's state lives in it).
 *
 * @internal
 */
export type StepFunction = (now: number, input: unknown) => Pull.Pull<[unknown, Duration.Duration], unknown, unknown>

/** @internal */
export type { ScheduleStep }

/**
 * The kernel's trigger of a repeater: cron's next match is `Cron.next`, a schedule's step
 * the schedule's step function.
 *
 * @internal
 */
export type Trigger = Triggers.Trigger<ScheduleStep>

/** @internal */
export const everyTrigger = (millis: number, mode: "delay" | "rate"): Trigger =>
  mode === "rate" ? Triggers.everyRate(millis) : Triggers.everyDelay(millis)

/** @internal */
export const cronTrigger = (cron: Cron.Cron): Trigger =>
  Triggers.cron((wall) => Cron.next(cron, wall).getTime(), countMatches(cron))

const asDefect = (reason: Cause.Reason<unknown>): Cause.Die | Cause.Interrupt =>
  Cause.isFailReason(reason) ? Cause.makeDieReason(reason.error) : reason

const isStepFunction = (state: unknown): state is StepFunction => typeof state === "function"

/** @internal */
export const scheduleTrigger = (schedule: Schedule.Schedule<unknown, unknown, unknown>): Trigger =>
  Triggers.schedule<ScheduleStep>(undefined, (wallNow, state) =>
    Effect.flatMap(
      isStepFunction(state) ? Effect.succeed(state) : Schedule.toStep(schedule),
      (step) =>
        Effect.matchCauseEffect(step(wallNow, undefined), {
          onSuccess: ([, delay]) => Effect.succeed([step, wallNow + Duration.toMillis(delay)] as const),
          onFailure: (cause) =>
            Pull.isDoneCause(cause) ?
              Effect.succeed([step, undefined] as const) :
              // a schedule that fails ends the repeater failed: its error is a defect of the repeater's
              Effect.failCause(Cause.fromReasons(cause.reasons.map(asDefect)))
        })
    ))

/**
 * Validated, normalized options: durations in milliseconds.
 *
 * @internal
 */
export interface RepeaterConfig<E = unknown> {
  readonly name: string
  readonly trigger: Trigger
  /** Delay of the first run; `undefined` with `waitFirst` on a schedule: step the schedule first. */
  readonly initialDelayMillis: number | undefined
  /** `undefined`: no bound (not `Infinity`, which every repeater would hold as a boxed double). */
  readonly maxRepetitions: number | undefined
  readonly onError: "continue" | "stop"
  readonly retry: Schedule.Schedule<unknown, E | RepeaterTimeoutError> | undefined
  readonly timeout: Duration.Duration | undefined
  readonly jitterMillis: number
  readonly grace: Duration.Duration
}

/**
 * A repeater's configuration without its name: repeaters forked with the same
 * options but their name share one.
 *
 * @internal
 */
export type SharedConfig<E = unknown> = Omit<RepeaterConfig<E>, "name">

/**
 * A repeater's name checked alone (as `validate` checks it first).
 *
 * @internal
 */
export const validateName = (name: unknown): Result.Result<string, RepeaterConfigError> => {
  if (typeof name !== "string" || name.trim().length === 0) {
    return configError(undefined, "name", name, "is not a valid name: it must be a non-empty string")
  }
  const problem = checkName(name)
  return problem === undefined ? Result.succeed(name) : configError(undefined, "name", name, problem)
}

/**
 * The process's named local time zone (never a fixed offset), for cron
 * repeaters without a `timeZone`.
 *
 * @internal
 */
export const localTimeZone = (): string => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  return typeof zone === "string" && zone.length > 0 ? zone : "UTC"
}

type DurationRule = "positive" | "nonNegative"

/**
 * The longest duration accepted, about 31,700 years: due times stay well inside the range of
 * `Date` (8.64e15 ms).
 *
 * @internal
 */
export const MAX_DURATION_MILLIS = Duration.toMillis(maximumDuration)

/**
 * Decodes a `Duration.Input` strictly, by the rule every package shares
 * (`OptionCheck.decodeDuration`): `Duration.fromInput` turns NaN into zero and
 * reads negative durations.
 *
 * @internal
 */
export const decodeDuration = (
  name: string | undefined,
  field: string,
  value: unknown,
  rule: DurationRule
): Result.Result<Duration.Duration, RepeaterConfigError> => {
  if (typeof value !== "string") return decodeDurationValue(name, field, value, rule)
  // many repeaters are forked with the same few strings ("1 hour"): each is parsed once
  const cache = rule === "positive" ? positiveStrings : nonNegativeStrings
  const cached = cache.get(value)
  if (cached !== undefined) return Result.succeed(cached)
  const decoded = decodeDurationValue(name, field, value, rule)
  if (Result.isSuccess(decoded) && cache.size < DURATION_CACHE_SIZE) cache.set(value, decoded.success)
  return decoded
}

const DURATION_CACHE_SIZE = 256
const positiveStrings = new Map<string, Duration.Duration>()
const nonNegativeStrings = new Map<string, Duration.Duration>()

const decodeDurationValue = (
  name: string | undefined,
  field: string,
  value: unknown,
  rule: DurationRule
): Result.Result<Duration.Duration, RepeaterConfigError> =>
  Result.mapError(
    decodeSharedDuration(value, { zero: rule === "nonNegative" }),
    (problem) => new RepeaterConfigError({ repeater: name, field, value, reason: problem.reason })
  )

const configError = (name: string | undefined, field: string, value: unknown, reason: string) =>
  Result.fail(new RepeaterConfigError({ repeater: name, field, value, reason }))

/** The options as untyped callers may give them: no trigger, or several. */
interface UncheckedOptions<E> extends Omit<RepeaterOptions<E>, "every" | "mode" | "cron" | "timeZone" | "schedule"> {
  readonly every?: Duration.Input | undefined
  readonly mode?: "delay" | "rate" | undefined
  readonly cron?: string | undefined
  readonly timeZone?: string | undefined
  readonly schedule?: Schedule.Schedule<unknown, unknown, unknown> | undefined
}

/**
 * Every option of a repeater: any other key fails with a `RepeaterConfigError`
 * naming the nearest of these.
 *
 * @internal
 */
export const repeaterOptionKeys: ReadonlyArray<keyof UncheckedOptions<unknown>> = [
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

/**
 * Validates the options of one repeater. Every error names the option and the
 * value.
 *
 * @internal
 */
export const validate = <E>(
  options: UncheckedOptions<E>,
  defaultGrace: Duration.Duration,
  now: number
): Result.Result<RepeaterConfig<E>, RepeaterConfigError> => {
  const keys = checkKeys(options, { known: repeaterOptionKeys, of: "a repeater" })
  if (keys !== undefined) {
    const given: unknown = typeof options === "object" && options !== null ? options.name : undefined
    return configError(typeof given === "string" ? given : undefined, keys.field, keys.value, keys.reason)
  }
  const named = validateName(options.name)
  if (Result.isFailure(named)) return Result.fail(named.failure)
  const name = named.success
  const given = (["every", "cron", "schedule"] as const).filter((key) => options[key] !== undefined)
  if (given.length !== 1) {
    return configError(
      name,
      given.length === 0 ? "every" : given.join("/"),
      given.length === 0 ? undefined : Object.fromEntries(given.map((key) => [key, describe(options[key])])),
      "is not a valid trigger: exactly one of every, cron and schedule must be given"
    )
  }
  if (options.mode !== undefined && options.every === undefined) {
    return configError(name, "mode", options.mode, "is only valid with every")
  }
  if (options.mode !== undefined && options.mode !== "delay" && options.mode !== "rate") {
    return configError(name, "mode", options.mode, "is not a valid mode: it must be \"delay\" or \"rate\"")
  }
  if (options.timeZone !== undefined && options.cron === undefined) {
    return configError(name, "timeZone", options.timeZone, "is only valid with cron")
  }

  const decoded = decodeTiming(name, options, now)
  if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
  const { initialDelayMillis, trigger } = decoded.success
  /** every: its period */
  const everyMillis = decoded.success._tag === "Every" ? decoded.success.every : undefined

  const maxRepetitions: unknown = options.maxRepetitions
  if (
    maxRepetitions !== undefined &&
    (typeof maxRepetitions !== "number" || !Number.isSafeInteger(maxRepetitions) || maxRepetitions < 0)
  ) {
    return configError(name, "maxRepetitions", maxRepetitions, "is not valid: it must be an integer, zero or more")
  }
  if (options.onError !== undefined && options.onError !== "continue" && options.onError !== "stop") {
    return configError(name, "onError", options.onError, "is not valid: it must be \"continue\" or \"stop\"")
  }
  if (options.retry !== undefined && !isSchedule(options.retry)) {
    return configError(name, "retry", options.retry, "is not an Effect Schedule")
  }

  let timeout: Duration.Duration | undefined
  if (options.timeout !== undefined) {
    const decoded = decodeDuration(name, "timeout", options.timeout, "positive")
    if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
    timeout = decoded.success
  }

  let jitterMillis = 0
  if (options.jitter !== undefined) {
    const decoded = decodeDuration(name, "jitter", options.jitter, "nonNegative")
    if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
    jitterMillis = Duration.toMillis(decoded.success)
    if (everyMillis !== undefined && jitterMillis >= everyMillis) {
      return configError(
        name,
        "jitter",
        options.jitter,
        `is not valid: it must be shorter than every (${describe(options.every)})`
      )
    }
  }

  let grace = defaultGrace
  if (options.grace !== undefined) {
    const decoded = decodeDuration(name, "grace", options.grace, "nonNegative")
    if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
    grace = decoded.success
  }

  return Result.succeed({
    name,
    trigger,
    initialDelayMillis,
    maxRepetitions,
    onError: options.onError ?? "continue",
    retry: options.retry,
    timeout,
    jitterMillis,
    grace
  })
}

/**
 * When a repeater runs, read from its options: the trigger and the first-run rule (`every`, `cron`, `timeZone`,
 * `schedule`, `initialDelay`, `waitFirst`), once their neighbours (name, one trigger, mode) are checked.
 *
 * @internal
 */
export const decodeTiming = <E>(
  name: string,
  options: UncheckedOptions<E>,
  now: number
): Result.Result<RepeaterTiming, RepeaterConfigError> => {
  let timing: RepeaterTiming
  if (options.every !== undefined) {
    const every = decodeDuration(name, "every", options.every, "positive")
    if (Result.isFailure(every)) return Result.fail(every.failure)
    const millis = Duration.toMillis(every.success)
    const mode = options.mode ?? "delay"
    timing = { _tag: "Every", trigger: everyTrigger(millis, mode), every: millis, mode, initialDelayMillis: 0 }
  } else if (options.cron !== undefined) {
    const parsed = parseCron(name, options.cron, options.timeZone, now)
    if (Result.isFailure(parsed)) return Result.fail(parsed.failure)
    timing = { _tag: "Cron", trigger: cronTrigger(parsed.success), cron: parsed.success, initialDelayMillis: 0 }
  } else {
    const schedule: unknown = options.schedule
    if (!isSchedule(schedule)) {
      return configError(name, "schedule", schedule, "is not an Effect Schedule")
    }
    timing = { _tag: "Schedule", trigger: scheduleTrigger(schedule), schedule, initialDelayMillis: 0 }
  }

  if (options.waitFirst !== undefined && typeof options.waitFirst !== "boolean") {
    return configError(name, "waitFirst", options.waitFirst, "must be true or false")
  }
  if (options.waitFirst === true && options.initialDelay !== undefined) {
    return configError(name, "waitFirst", true, "cannot be combined with initialDelay: give one of them")
  }
  if (options.waitFirst === true && timing._tag === "Cron") {
    return configError(
      name,
      "waitFirst",
      true,
      "is not valid with cron: a cron repeater always waits for its first match"
    )
  }
  if (options.initialDelay !== undefined) {
    const initialDelay = decodeDuration(name, "initialDelay", options.initialDelay, "nonNegative")
    if (Result.isFailure(initialDelay)) return Result.fail(initialDelay.failure)
    return Result.succeed({ ...timing, initialDelayMillis: Duration.toMillis(initialDelay.success) })
  }
  if (options.waitFirst === true) {
    return Result.succeed(
      timing._tag === "Every" ?
        { ...timing, initialDelayMillis: timing.every } :
        timing._tag === "Schedule" ?
        { ...timing, initialDelayMillis: undefined } :
        timing
    )
  }
  return Result.succeed(timing)
}

/**
 * The longest name, in UTF-16 code units (`name.length`): the router of
 * `@effect/platform`'s `HttpApi` matches a path parameter of at most 100, so
 * that every name can be given in a URL (`/repeaters/:name`).
 *
 * @internal
 */
export const MAX_NAME_LENGTH = 100

/**
 * What keeps a non-blank name from being carried by a URL path segment, or
 * `undefined`: every accepted name reaches its repeater through the HTTP
 * admin API once percent-encoded (`encodeURIComponent`).
 */
const checkName = (name: string): string | undefined => {
  if (name.length > MAX_NAME_LENGTH) {
    return `is too long: a name has at most ${MAX_NAME_LENGTH} characters (UTF-16 code units), this one has ${name.length}`
  }
  if (name === "." || name === "..") {
    return "is not a valid name: \".\" and \"..\" are path segments that URLs resolve away"
  }
  if (/\p{Cc}/u.test(name)) return "is not a valid name: it must not contain control characters"
  if (/\p{Cs}/u.test(name)) return "is not a valid name: it contains a lone surrogate (it is not well-formed Unicode)"
  // (the router matches case-insensitively on the lower-cased path: a name whose lower case has another length,
  // with U+0130 "İ" in it, would be cut at the wrong place)
  if (name.toLowerCase().length !== name.length) {
    return "is not a valid name: \"İ\" (U+0130) has a lower case of two characters, which URL routing cannot match"
  }
  return undefined
}

const parseCron = (
  name: string,
  expression: unknown,
  timeZoneInput: unknown,
  now: number
): Result.Result<Cron.Cron, RepeaterConfigError> => {
  if (typeof expression !== "string") {
    return configError(name, "cron", expression, "is not a cron expression: it must be a string")
  }
  const timeZone = timeZoneInput ?? localTimeZone()
  if (typeof timeZone !== "string" || Option.isNone(DateTime.zoneMakeNamed(timeZone))) {
    return configError(name, "timeZone", timeZoneInput, "is not a known IANA time zone (such as \"Europe/Berlin\")")
  }
  const parsed = Cron.parse(expression, timeZone)
  if (Result.isFailure(parsed)) {
    return configError(name, "cron", expression, `is not a valid cron expression: ${parsed.failure.message}`)
  }
  try {
    Cron.next(parsed.success, now)
  } catch {
    return configError(name, "cron", expression, "never matches")
  }
  return Result.succeed(parsed.success)
}

const isSchedule = (value: unknown): value is Schedule.Schedule<unknown, unknown, unknown> => Schedule.isSchedule(value)

const describe = (value: unknown): unknown =>
  isSchedule(value) ? "<Schedule>" : Duration.isDuration(value) ? Duration.format(value) : value

/**
 * Validates a `grace` given to `stop`.
 *
 * @internal
 */
export const validateGrace = (name: string | undefined, value: Duration.Input, field = "grace") =>
  decodeDuration(name, field, value, "nonNegative")
