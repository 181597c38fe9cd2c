import { mergeConfig, type ViteUserConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

const config: ViteUserConfig = {
  test: {
    name: "http (Effect 4)",
    // real servers and a real browser on a machine that may be busy: the tests wait for conditions, not for a clock
    testTimeout: 60_000
  }
}

export default mergeConfig(shared, config)
