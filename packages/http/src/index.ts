/**
 * @since 0.1.0
 */
export * as RepeaterHttp from "./RepeaterHttp.js"

/**
 * @since 0.1.0
 */
export * as RepeaterHttpApi from "./RepeaterHttpApi.js"
