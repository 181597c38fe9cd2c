/**
 * Checking that bad options are rejected at construction.
 */
import { Repeater } from "@effect-repeater/core"
import type { RepeaterOptions } from "@effect-repeater/core/Repeater"
import { RepeaterConfigError } from "@effect-repeater/core/RepeaterError"
import { assert } from "@effect/vitest"
import { Effect, TestClock } from "effect"

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
