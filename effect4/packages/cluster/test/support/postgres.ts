/**
 * A private PostgreSQL server for the tests of one file: started before
 * them, stopped after them.
 */
import { type Postgres, startPostgres } from "@effect-repeater/testkit/Postgres"
import { afterAll, beforeAll } from "@effect/vitest"

/** Registers the server's start and stop; the result gives the running server. */
export const privatePostgres = (): () => Postgres => {
  let postgres: Postgres | undefined
  beforeAll(async () => {
    postgres = await startPostgres()
  }, 120_000)
  afterAll(() => {
    postgres?.stop()
  })
  return () => {
    if (postgres === undefined) throw new Error("the private PostgreSQL server is not running")
    return postgres
  }
}
