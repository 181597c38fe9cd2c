/**
 * The typed errors of `NodeRepeater`.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import { hasProperty, isTagged } from "effect/Predicate"

/**
 * @since 0.1.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@effect-repeater/node/NodeRepeaterError")

/**
 * @since 0.1.0
 * @category symbols
 */
export type TypeId = typeof TypeId

/**
 * An invalid option of `NodeRepeater.runMain` (such as `shutdownTimeout`): the
 * program fails at once, before anything starts, and the process exits with
 * code 1. The options of the repeaters themselves stay core's: a wrong one
 * fails with core's `RepeaterConfigError`.
 *
 * @example
 * ```ts
 * import { NodeRepeaterError } from "@effect-repeater/node"
 *
 * const error = new NodeRepeaterError.NodeRepeaterConfigError({
 *   field: "shutdownTimeout",
 *   value: -5,
 *   reason: "is not valid: it must be a finite duration longer than 0"
 * })
 * NodeRepeaterError.NodeRepeaterConfigError.is(error) // true
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class NodeRepeaterConfigError extends Data.TaggedError("NodeRepeaterConfigError")<{
  /** The option that is wrong, for example `"shutdownTimeout"`. */
  readonly field: string
  /** The value that was given. */
  readonly value: unknown
  /** What is wrong with it. */
  readonly reason: string
}> {
  /**
   * @since 0.1.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 0.1.0
   */
  static is(u: unknown): u is NodeRepeaterConfigError {
    return hasProperty(u, TypeId) && isTagged(u, "NodeRepeaterConfigError")
  }

  override get message(): string {
    let shown: string
    try {
      shown = typeof this.value === "string" ? JSON.stringify(this.value) : String(this.value)
    } catch {
      shown = "(unprintable value)"
    }
    return `Invalid option "${this.field}": ${shown} ${this.reason}`
  }
}
