import type { ViteUserConfig } from "vitest/config"

const config: ViteUserConfig = {
  esbuild: {
    target: "es2022"
  },
  test: {
    include: ["test/**/*.test.ts"]
  }
}

export default config
