import { NodeRepeaterError } from "@effect-repeater/node"
import { assert, describe, it } from "@effect/vitest"
import { Duration } from "effect"

const errors = [
  new NodeRepeaterError.NodeRepeaterConfigError({ field: "shutdownTimeout", value: -1, reason: "is negative" }),
  new NodeRepeaterError.WorkerPoolConfigError({ field: "size", value: 0, reason: "must be at least 1" }),
  new NodeRepeaterError.WorkerStartError({ path: "/w.js", cause: "missing" }),
  new NodeRepeaterError.WorkerTimeoutError({ path: "/w.js", request: "Hash", timeout: Duration.seconds(1) }),
  new NodeRepeaterError.WorkerFunctionError({ path: "/w.js", request: "Hash", cause: new Error("threw") }),
  new NodeRepeaterError.WorkerCrashError({ path: "/w.js", request: "Hash", exitCode: 3, cause: undefined })
] as const

describe("the errors of @effect-repeater/node: one family, NodeRepeaterError", () => {
  it("isNodeRepeaterError recognises the errors of runMain and of a WorkerPool, and nothing else", () => {
    assert.isTrue(errors.every(NodeRepeaterError.isNodeRepeaterError))
    assert.isFalse(NodeRepeaterError.isNodeRepeaterError(new Error("other")))
    assert.isFalse(NodeRepeaterError.isNodeRepeaterError({ _tag: "WorkerStartError", path: "/w.js" }))
  })

  it("each error's guard recognises its own tag only", () => {
    const guards = [
      NodeRepeaterError.NodeRepeaterConfigError.is,
      NodeRepeaterError.WorkerPoolConfigError.is,
      NodeRepeaterError.WorkerStartError.is,
      NodeRepeaterError.WorkerTimeoutError.is,
      NodeRepeaterError.WorkerFunctionError.is,
      NodeRepeaterError.WorkerCrashError.is
    ]
    guards.forEach((guard, index) =>
      assert.deepStrictEqual(errors.map((error) => guard(error)), errors.map((_, other) => other === index))
    )
  })

  it("the WorkerPool errors are no longer exported flat from the package's index", async () => {
    const index: Record<string, unknown> = await import("@effect-repeater/node")
    assert.notProperty(index, "WorkerStartError")
    assert.deepStrictEqual(
      Object.keys(index).sort(),
      ["NodeRepeater", "NodeRepeaterError", "WorkerPool", "WorkerThread"]
    )
  })
})
