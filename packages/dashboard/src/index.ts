/**
 * @since 0.1.0
 */
export * as DashboardPage from "./DashboardPage.js"
