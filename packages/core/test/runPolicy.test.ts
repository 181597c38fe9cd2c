import { Repeater, RunPolicy } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Either, Schedule } from "effect"

describe("RunPolicy.decode: the run policy fork gives a repeater's runs", () => {
  it.effect("the timeout decoded as fork decodes it, the retry schedule as given", () =>
    Effect.gen(function*() {
      const retry = Schedule.recurs(2)
      const policy = yield* RunPolicy.decode({ name: "sync", every: "1 minute", timeout: "90 seconds", retry })
      assert.isTrue(policy.timeout !== undefined && Duration.equals(policy.timeout, Duration.seconds(90)))
      assert.strictEqual(policy.retry, retry)
      const none = yield* RunPolicy.decode({ name: "plain", cron: "0 * * * *", timeZone: "UTC" })
      assert.deepStrictEqual([none.timeout, none.retry], [undefined, undefined])
    }))

  it.effect("RunPolicy.decode fails on options fork rejects with the error Repeater.validate gives", () =>
    Effect.gen(function*() {
      const options = { name: "bad", every: "1 minute", timeout: 0 } as const
      const decoded = yield* Effect.either(RunPolicy.decode(options))
      const validated = yield* Effect.either(Repeater.validate(options))
      assert.isTrue(Either.isLeft(decoded) && decoded.left.field === "timeout")
      assert.deepStrictEqual(Either.getLeft(decoded), Either.getLeft(validated))
    }))
})
