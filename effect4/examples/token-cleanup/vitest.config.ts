import { mergeConfig, type ViteUserConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

const config: ViteUserConfig = {
  test: {
    name: "example-token-cleanup (Effect 4)",
    // real HTTP servers and child processes on a loaded machine: generous timeouts, never tight timings
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
}

export default mergeConfig(shared, config)
