import { Repeater } from "@effect-repeater/core"
import type { RepeaterOptions } from "@effect-repeater/core/Repeater"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { TestClock } from "effect/testing"

/**
 * Options as an untyped (JavaScript) caller may give them: no trigger, or
 * several. The types reject them; the runtime check must too.
 */
export const untyped = (options: { readonly name: string; readonly [option: string]: unknown }) =>
  options as unknown as RepeaterOptions<never>

/**
 * Forks a repeater with `options` and checks that construction fails with a
 * `RepeaterConfigError` naming `field` and `value`, and that nothing was
 * started: the task never runs and the service holds no repeater.
 */
export const rejects = (
  options: RepeaterOptions<never>,
  field: string,
  value: unknown,
  mentions: ReadonlyArray<string>
) =>
  Effect.gen(function*() {
    let runs = 0
    const error = yield* Effect.flip(Repeater.fork(Effect.sync(() => runs++), options))
    assert.instanceOf(error, RepeaterConfigError)
    assert.strictEqual(error._tag, "RepeaterConfigError")
    assert.strictEqual(error.field, field)
    assert.deepStrictEqual(error.value, value)
    assert.include(error.message, field)
    for (const text of mentions) assert.include(error.message, text)
    yield* TestClock.adjust("400 days")
    assert.strictEqual(runs, 0)
    assert.deepStrictEqual(yield* Repeater.list, [])
  }).pipe(Effect.provide(Repeater.layer))

/** Forks a valid repeater and returns the virtual start times of its runs within `window`. */
export const startsWith = (options: RepeaterOptions<never>, window: Duration.Input) =>
  Effect.gen(function*() {
    const starts: Array<number> = []
    const task = Effect.clockWith((clock) => Effect.sync(() => starts.push(clock.currentTimeMillisUnsafe())))
    const handle = yield* Repeater.fork(task, options)
    yield* TestClock.adjust(window)
    yield* handle.stop()
    return starts
  }).pipe(Effect.provide(Repeater.layer))

export const nonFinite: ReadonlyArray<Duration.Input> = [
  Infinity,
  -Infinity,
  NaN,
  Duration.infinity,
  [Infinity, 0]
]

export const zero: ReadonlyArray<Duration.Input> = [0, "0 seconds", "0 millis", Duration.zero, 0n, [0, 0]]

export const negative: ReadonlyArray<Duration.Input> = [-5, -0.5, "-5 seconds", "-1 millis", -5n, [-1, 0]]

/** What of a rejected duration must appear in the error's message (for a tuple, both its numbers). */
export const mentionsOf = (value: Duration.Input): ReadonlyArray<string> =>
  Duration.isDuration(value) ? [Duration.format(value)] : Array.isArray(value) ? value.map(String) : [String(value)]

/** A distinct test title for each value. */
export const label = (value: Duration.Input): string =>
  Duration.isDuration(value) ?
    `Duration(${Duration.format(value)})` :
    typeof value === "bigint" ?
    `${value}n` :
    typeof value === "string" ?
    JSON.stringify(value) :
    Array.isArray(value) ?
    `[${value.join(", ")}]` :
    String(value)
