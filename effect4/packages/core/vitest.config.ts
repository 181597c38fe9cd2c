import { mergeConfig, type ViteUserConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

const config: ViteUserConfig = {
  test: {
    name: "core (Effect 4)",
    // several TestClock simulations of thousands of runs take 3-4 s on an idle machine
    testTimeout: 30_000
  }
}

export default mergeConfig(shared, config)
