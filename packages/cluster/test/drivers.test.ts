import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { ClusterRepeaterConfigError } from "../src/ClusterError.js"
import { driver } from "../src/internal/drivers.js"

// A package that is not installed, imported for real: Node's own ERR_MODULE_NOT_FOUND.
const missingPackage = "@effect-repeater/no-such-sql-driver"
const importMissing = () => import(/* @vite-ignore */ missingPackage)

describe("SQL drivers (optional peer dependencies)", () => {
  it.effect("a driver that is not installed fails with a ClusterRepeaterConfigError naming the package to install", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(driver("storage.sqlite", missingPackage, "^1.2.3", importMissing))
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.instanceOf(result.left, ClusterRepeaterConfigError)
        assert.isTrue(ClusterRepeaterConfigError.is(result.left))
        assert.strictEqual(result.left.field, "storage.sqlite")
        assert.strictEqual(result.left.value, missingPackage)
        assert.include(result.left.message, `npm install ${missingPackage}@^1.2.3`)
      }
    }))

  it.effect("a driver that is installed but fails to load says so, with the cause", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(
        driver("storage.pg", "@effect/sql-pg", "^0.53.0", () => Promise.reject(new Error("native binding broken")))
      )
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.include(result.left.message, "failed to load")
        assert.include(result.left.message, "native binding broken")
        assert.notInclude(result.left.message, "npm install")
      }
    }))
})
