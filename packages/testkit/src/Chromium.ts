/**
 * Debian's chromium for playwright-core: `chromium.launch(launchOptions)`.
 *
 * @since 0.1.0
 */

/**
 * Headless, without a sandbox (tests run as root), and kept off the network
 * it would otherwise try to reach. Each `launch` gets a fresh profile
 * directory of its own from playwright.
 *
 * @since 0.1.0
 * @category constants
 */
export const launchOptions = {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic"
  ]
}
