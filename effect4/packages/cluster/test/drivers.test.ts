import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { ClusterRepeaterConfigError } from "../src/ClusterError.js"
import { driver } from "../src/internal/drivers.js"

// A package that is not installed, imported for real: Node's own ERR_MODULE_NOT_FOUND.
const missingPackage = "@effect-repeater/no-such-sql-driver"
const importMissing = () => import(/* @vite-ignore */ missingPackage)

describe("SQL drivers (optional peer dependencies)", () => {
  it.effect("a driver that is not installed fails with a ClusterRepeaterConfigError naming the package to install", () =>
    Effect.gen(function*() {
      const result = yield* Effect.result(driver("storage.pg", missingPackage, "^1.2.3", importMissing))
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) {
        assert.instanceOf(result.failure, ClusterRepeaterConfigError)
        assert.isTrue(ClusterRepeaterConfigError.is(result.failure))
        assert.strictEqual(result.failure.field, "storage.pg")
        assert.strictEqual(result.failure.value, missingPackage)
        assert.include(result.failure.message, `npm install ${missingPackage}@^1.2.3`)
      }
    }))

  it.effect("a driver that is installed but fails to load says so, with the cause", () =>
    Effect.gen(function*() {
      const result = yield* Effect.result(
        driver("storage.pg", "@effect/sql-pg", "^4.1.5", () => Promise.reject(new Error("native binding broken")))
      )
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) {
        assert.include(result.failure.message, "failed to load")
        assert.include(result.failure.message, "native binding broken")
        assert.notInclude(result.failure.message, "npm install")
      }
    }))
})
