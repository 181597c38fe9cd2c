import { mergeConfig, type ViteUserConfig } from "vitest/config"
import shared from "../../vitest.shared.js"

const config: ViteUserConfig = {
  test: {
    name: "cluster (Effect 4)",
    // the multi-process tests start PostgreSQL and three runner processes
    testTimeout: 30_000
  }
}

export default mergeConfig(shared, config)
