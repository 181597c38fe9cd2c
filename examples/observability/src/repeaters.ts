/**
 * A few repeaters to watch: one that succeeds, one that fails every other
 * run, one whose runs do traced work of their own.
 */
import { Repeater } from "@effect-repeater/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"

const heartbeat = Repeater.background(Effect.log("alive"), { name: "heartbeat", every: "1 second" })

const importOrders = Layer.unwrapEffect(Effect.gen(function*() {
  const attempts = yield* Ref.make(0)
  return Repeater.background(
    Effect.gen(function*() {
      const attempt = yield* Ref.updateAndGet(attempts, (n) => n + 1)
      if (attempt % 2 === 0) return yield* Effect.fail(new Error("the orders service timed out"))
      yield* Effect.log("imported 12 orders").pipe(Effect.annotateLogs("orders", 12))
    }),
    { name: "import-orders", every: "2 seconds" }
  )
}))

const report = Repeater.background(
  Effect.sleep("150 millis").pipe(
    Effect.zipRight(Effect.log("report rendered")),
    // work of the run's own, as a child span of Repeater.run
    Effect.withSpan("render-report", { attributes: { "report.format": "pdf" } })
  ),
  { name: "report", every: "3 seconds" }
)

export const RepeatersLive = Layer.mergeAll(heartbeat, importOrders, report)
