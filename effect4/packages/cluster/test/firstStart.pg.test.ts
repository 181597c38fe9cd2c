/**
 * Runners that start together on an empty PostgreSQL database: `@effect/cluster` creates its tables at the
 * first start, and runners racing on that ("relation cluster_migrations already exists") must still all start.
 */
import * as ClusterRunner from "@effect-repeater/cluster/ClusterRunner"
import { freePorts } from "@effect-repeater/testkit/Ports"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { privatePostgres } from "./support/postgres.js"

const postgres = privatePostgres()

describe("runners starting together on an empty PostgreSQL database", () => {
  it.live("all of them start, in every round", () =>
    Effect.gen(function*() {
      for (let round = 1; round <= 3; round++) {
        const database = `first_start_${round}`
        postgres().createDatabase(database)
        const url = Redacted.make(postgres().url(database))
        const ports = yield* Effect.promise(() => freePorts(3))
        const started = yield* Effect.forEach(
          ports,
          (port) =>
            Layer.build(ClusterRunner.layer({ storage: { pg: { url } }, port, host: "127.0.0.1" })).pipe(
              Effect.as(port),
              Effect.scoped
            ),
          { concurrency: "unbounded" }
        )
        assert.deepStrictEqual(started, ports, `round ${round}`)
      }
    }), 120_000)
})
