/**
 * @since 0.1.0
 */
export {
  /**
   * @since 0.1.0
   */
  Repeater,
  /**
   * @since 0.1.0
   */
  type RepeaterOptions,
  /**
   * @since 0.1.0
   */
  type RepeaterService,
  /**
   * @since 0.1.0
   */
  type RepeaterSettings
} from "./Repeater.js"

/**
 * @since 0.1.0
 */
export * from "./RepeaterError.js"

/**
 * @since 0.1.0
 */
export type * from "./RepeaterEvent.js"

/**
 * @since 0.1.0
 */
export type * from "./RepeaterHandle.js"

/**
 * @since 0.1.0
 */
export * as RunPolicy from "./RunPolicy.js"
