/**
 * @since 1.0.0
 */
export * as RepeaterHttp from "./RepeaterHttp.js"

/**
 * @since 1.0.0
 */
export * as RepeaterHttpApi from "./RepeaterHttpApi.js"
