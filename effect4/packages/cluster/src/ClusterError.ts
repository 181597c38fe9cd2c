/**
 * The typed errors of `@effect-repeater/cluster`. The options a cluster
 * repeater shares with core (its trigger, `retry`, `timeout`...) are checked
 * by core's `Repeater.validate` and fail with core's `RepeaterConfigError`;
 * everything the cluster adds (the runner's options, its storage, `missed`,
 * `shardGroup`, `holder`) fails with a `ClusterRepeaterConfigError`.
 *
 * @since 1.0.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import { hasProperty, isTagged } from "effect/Predicate"

/**
 * @since 1.0.0
 * @category symbols
 */
export const TypeId: unique symbol = Symbol.for("@effect-repeater/cluster/ClusterError")

/**
 * @since 1.0.0
 * @category symbols
 */
export type TypeId = typeof TypeId

const formatValue = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "bigint") return `${value}n`
  if (typeof value === "number" || typeof value === "boolean" || value === undefined || value === null) {
    return String(value)
  }
  if (Duration.isDuration(value)) return `Duration(${Duration.format(value)})`
  try {
    const json = JSON.stringify(value)
    return json === undefined ? String(value) : json
  } catch {
    return String(value)
  }
}

/**
 * An invalid cluster option, reported when the layer is built (on every
 * runner): an option of `ClusterRunner.layer` (port, storage, timings, a SQL
 * driver that is not installed) or one that `ClusterRepeater.layer` adds to
 * core's options (`missed`, `shardGroup`, `holder`, a name too long for the
 * state table). It names the option and the value that was given.
 *
 * @example
 * ```ts
 * import { ClusterError, ClusterRunner } from "@effect-repeater/cluster"
 * import { Effect } from "effect"
 *
 * const checked = ClusterRunner.shardingConfig({ storage: { pg: {} }, port: 0 }).pipe(
 *   Effect.catchIf(ClusterError.ClusterRepeaterConfigError.is, (error) => Effect.logError(error.message))
 * )
 * ```
 *
 * @since 1.0.0
 * @category errors
 */
export class ClusterRepeaterConfigError extends Data.TaggedError("ClusterRepeaterConfigError")<{
  /** The repeater's name, when the option is one of a repeater. */
  readonly repeater: string | undefined
  /** The option that is wrong, for example `"storage.pg.url"`. */
  readonly field: string
  /** The value that was given. */
  readonly value: unknown
  /** What is wrong with it. */
  readonly reason: string
}> {
  /**
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 1.0.0
   */
  static is(u: unknown): u is ClusterRepeaterConfigError {
    return hasProperty(u, TypeId) && isTagged(u, "ClusterRepeaterConfigError")
  }

  override get message(): string {
    const where = this.repeater === undefined ? "" : ` of repeater "${this.repeater}"`
    return `Invalid option "${this.field}"${where}: ${formatValue(this.value)} ${this.reason}`
  }
}
