/**
 * @since 1.0.0
 */

/**
 * @since 1.0.0
 */
export * as ClusterError from "./ClusterError.js"

/**
 * @since 1.0.0
 */
export * as ClusterRepeater from "./ClusterRepeater.js"

/**
 * @since 1.0.0
 */
export * from "./CurrentTick.js"

/**
 * @since 1.0.0
 */
export * as ClusterRunner from "./ClusterRunner.js"
