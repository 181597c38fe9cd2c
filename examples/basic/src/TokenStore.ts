/**
 * A user's own code, as `docs/testing.md` shows it: an in-memory token store
 * and a repeater that removes expired tokens every 5 seconds.
 */
import { Repeater } from "@effect-repeater/core"
import { Clock, Context, Effect, Layer, Ref } from "effect"

export interface Token {
  readonly id: string
  readonly expiresAt: number
}

export class TokenStore extends Context.Tag("example/TokenStore")<TokenStore, {
  readonly add: (id: string, ttlMillis: number) => Effect.Effect<void>
  readonly live: Effect.Effect<ReadonlyArray<Token>>
  readonly removeExpired: Effect.Effect<number>
}>() {
  static readonly layer = Layer.effect(
    TokenStore,
    Effect.gen(function*() {
      const tokens = yield* Ref.make<ReadonlyArray<Token>>([])
      return {
        add: (id, ttlMillis) =>
          Effect.flatMap(
            Clock.currentTimeMillis,
            (now) => Ref.update(tokens, (all) => [...all, { id, expiresAt: now + ttlMillis }])
          ),
        live: Ref.get(tokens),
        removeExpired: Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Ref.modify(tokens, (all) => {
            const kept = all.filter((token) => token.expiresAt > now)
            return [all.length - kept.length, kept]
          }))
      }
    })
  )
}

/** Removes expired tokens every 5 seconds and logs how many went, for the lifetime of the layer. */
export const TokenCleanup = Repeater.background(
  Effect.flatMap(TokenStore, (store) => store.removeExpired).pipe(
    Effect.flatMap((removed) => Effect.log(`removed ${removed} expired tokens`))
  ),
  { name: "token-cleanup", every: "5 seconds" }
)
