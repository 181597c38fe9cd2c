/**
 * The repeater that deletes expired tokens every `CLEANUP_INTERVAL`, for the
 * lifetime of the layer, and logs how many it removed.
 */
import { Repeater, type RepeaterHandle } from "@effect-repeater/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { AppConfig } from "./AppConfig.js"
import { TokenRepo } from "./TokenRepo.js"

/** The repeater's name, for `Repeater.get`. */
export const name = "token-cleanup"

/** One run: deletes the expired tokens and logs how many went. */
export const removeExpiredTokens = Effect.gen(function*() {
  const repo = yield* TokenRepo
  const removed = yield* repo.deleteExpired
  yield* Effect.log(`removed ${removed} expired ${removed === 1 ? "token" : "tokens"}`)
  return removed
})

/**
 * The cleanup repeater's handle. Unlike `Repeater.get`, which knows only the
 * repeaters that have not ended, it still gives the status once the repeater
 * is stopped (through the admin API) or has failed: `GET /health` reports it.
 */
export class CleanupRepeater
  extends Context.Service<CleanupRepeater, RepeaterHandle.RepeaterHandle>()("token-cleanup/CleanupRepeater")
{}

/**
 * Runs `removeExpiredTokens` at once and then every `cleanupInterval` after
 * the previous run ended. A failed run is logged with its full Cause and the
 * next one still comes; a run still going at shutdown gets 5 seconds.
 */
export const layer = Layer.effect(
  CleanupRepeater,
  Effect.gen(function*() {
    const { cleanupInterval } = yield* AppConfig
    yield* Effect.addFinalizer(() => Effect.log("token cleanup stopped"))
    return yield* Repeater.fork(
      removeExpiredTokens,
      { name, every: cleanupInterval, timeout: "1 minute", grace: "5 seconds" }
    )
  })
)
