/**
 * The dashboard of the repeater admin API: one page and one script, as text,
 * with the headers to serve them. Both lines' `@effect-repeater/http` serve
 * these same files: the page at `GET /repeaters/dashboard` (without the
 * token: it holds no data and asks for the token), the script at
 * `GET /repeaters/dashboard/app.js` (with the token).
 *
 * @since 0.1.0
 */
import * as page from "./internal/page.js"
import { sha256Base64 } from "./internal/sha256.js"

/**
 * The page: a token form, the table, its style and a loader script inline.
 * The loader fetches `script` with the token kept for the browser tab
 * (`sessionStorage`), and runs it.
 *
 * @example
 * ```ts
 * import { DashboardPage } from "@effect-repeater/dashboard"
 *
 * DashboardPage.html.startsWith("<!doctype html>") // true
 * ```
 *
 * @since 0.1.0
 * @category assets
 */
export const html: string = page.html

/**
 * The dashboard itself: the table of repeaters, their buttons and the live
 * event stream. It shows data only through `textContent`, never as HTML.
 *
 * @since 0.1.0
 * @category assets
 */
export const script: string = page.app

/**
 * The page's style sheet, inline in `html`.
 *
 * @since 0.1.0
 * @category assets
 */
export const style: string = page.style

/**
 * The page's loader, inline in `html`.
 *
 * @since 0.1.0
 * @category assets
 */
export const loader: string = page.loader

/**
 * The `sessionStorage` key under which the page keeps the token, for the
 * browser tab only.
 *
 * @since 0.1.0
 * @category constants
 */
export const tokenStorageKey: string = page.storageKey

const hash = (text: string): string => `'sha256-${sha256Base64(text)}'`

/**
 * The page's Content-Security-Policy: only its own inline style and loader
 * may run (by their SHA-256), plus the script the loader fetched (as a
 * blob); requests go to the same origin only; no framing, no forms, no base.
 *
 * @since 0.1.0
 * @category headers
 */
export const contentSecurityPolicy: string = [
  "default-src 'none'",
  `script-src ${hash(page.loader)} blob:`,
  `style-src ${hash(page.style)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join("; ")

/**
 * The headers to serve `html` with: its content type, never cached, the
 * Content-Security-Policy, no MIME sniffing, no referrer.
 *
 * @example
 * ```ts
 * import { DashboardPage } from "@effect-repeater/dashboard"
 * import { createServer } from "node:http"
 *
 * createServer((_, response) => response.writeHead(200, DashboardPage.htmlHeaders).end(DashboardPage.html))
 * ```
 *
 * @since 0.1.0
 * @category headers
 */
export const htmlHeaders: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": contentSecurityPolicy,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer"
}

/**
 * The headers to serve `script` with: its content type, never cached.
 *
 * @since 0.1.0
 * @category headers
 */
export const scriptHeaders: Readonly<Record<string, string>> = {
  "content-type": "text/javascript; charset=utf-8",
  "cache-control": "no-store"
}
