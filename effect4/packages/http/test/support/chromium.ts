/**
 * Debian's chromium for playwright-core, as the Effect 3 line's testkit launches it: headless, without a sandbox
 * (tests run as root), and kept off the network it would otherwise try to reach.
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
