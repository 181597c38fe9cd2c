/**
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as ClusterError from "./ClusterError.js"

/**
 * @since 0.1.0
 */
export * as ClusterRepeater from "./ClusterRepeater.js"

/**
 * @since 0.1.0
 */
export * from "./CurrentTick.js"

/**
 * @since 0.1.0
 */
export * as ClusterRunner from "./ClusterRunner.js"
