/**
 * The token server: `node --import tsx src/main.ts` (or `npm run demo:effect4`
 * from the repository's root). Settings from the environment: `PORT` (default
 * 3000, 0 for any free port), `HOST` (default 127.0.0.1), `DATABASE_PATH`
 * (default `./data/tokens.db`), `CLEANUP_INTERVAL` (seconds, default 5).
 *
 * SIGTERM or SIGINT (Ctrl-C) shuts it down gracefully: the HTTP server
 * closes, the cleanup repeater stops, the database closes, and the process
 * exits with code 0. A second signal exits at once (`NodeRepeater.runMain`).
 */
import { NodeRepeater } from "@effect-repeater/node"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Layer from "effect/Layer"
import { AppConfig, environment } from "./AppConfig.js"
import * as Server from "./Server.js"

NodeRepeater.runMain(
  Server.layer.pipe(
    Layer.provide(AppConfig.layer),
    // every setting of the server (ADMIN_TOKEN too) read with empty variables kept as they are
    Layer.provide(ConfigProvider.layer(environment()))
  )
)
