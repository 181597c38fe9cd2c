import { Repeater } from "@effect-repeater/core"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"
import { AppConfig } from "../../src/AppConfig.js"
import * as Database from "../../src/Database.js"
import { TokenRepo } from "../../src/TokenRepo.js"

/** Settings for tests: any free port on 127.0.0.1, a throwaway database. */
export const testConfig = (overrides: Partial<AppConfig["Service"]> = {}) =>
  Layer.succeed(AppConfig, {
    host: "127.0.0.1",
    port: 0,
    databasePath: ":memory:",
    cleanupInterval: Duration.seconds(5),
    ...overrides
  })

/** `TokenRepo` over a migrated database at `filename`, as the server opens it (the short busy timeout included). */
export const repoAt = (filename: string) =>
  TokenRepo.layer.pipe(
    Layer.provideMerge(Database.at(filename)),
    Layer.provide(NodeServices.layer)
  )

/** `TokenRepo` over a migrated in-memory database, with the `Repeater` service. */
export const repoInMemory = repoAt(":memory:").pipe(Layer.provideMerge(Repeater.layer))
