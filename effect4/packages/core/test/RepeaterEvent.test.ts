import { Repeater, RepeaterEvent } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Equal, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"

const at = (millis: number) => DateTime.makeUnsafe(millis)

/** The events of one repeater that runs twice and is stopped, as the service publishes them. */
const publishedEvents = Effect.gen(function*() {
  const collected = yield* Effect.forkChild(Stream.runCollect(Stream.take(Repeater.events, 4)))
  yield* Effect.yieldNow
  const handle = yield* Repeater.fork(Effect.void, { name: "tagged", every: "1 second", maxRepetitions: 2 })
  yield* TestClock.adjust("1 second")
  yield* handle.join
  return yield* Fiber.join(collected)
})

describe("RepeaterEvent", () => {
  it.effect("published events are the tagged enum's values: equal to the ones its constructors build", () =>
    Effect.gen(function*() {
      const events = yield* publishedEvents
      assert.isTrue(Equal.equals(
        events[0],
        RepeaterEvent.RunStarted({ name: "tagged", run: 1, scheduledAt: at(0), startedAt: at(0) })
      ))
      assert.isTrue(Equal.equals(
        events[1],
        RepeaterEvent.RunSucceeded({
          name: "tagged",
          run: 1,
          scheduledAt: at(0),
          startedAt: at(0),
          duration: Duration.millis(0)
        })
      ))
      assert.isTrue(Equal.equals(
        events[3],
        RepeaterEvent.RunSucceeded({
          name: "tagged",
          run: 2,
          scheduledAt: at(1000),
          startedAt: at(1000),
          duration: Duration.millis(0)
        })
      ))
    }).pipe(Effect.provide(Repeater.layer)))

  it.effect("$is narrows a stream to one tag", () =>
    Effect.gen(function*() {
      const events = yield* publishedEvents
      const started = events.filter(RepeaterEvent.$is("RunStarted"))
      assert.deepStrictEqual(started.map((event) => event.run), [1, 2])
      assert.isFalse(RepeaterEvent.$is("RunFailed")(events[0]))
    }).pipe(Effect.provide(Repeater.layer)))

  it("$match calls the case of the event's tag", () => {
    const describeEvent = RepeaterEvent.$match({
      RunStarted: (event) => `started ${event.run}`,
      RunSucceeded: (event) => `succeeded in ${Duration.toMillis(event.duration)} ms`,
      RunFailed: (event) => `failed ${event.run}`,
      TickSkipped: (event) => `skipped ${event.count}`,
      Stopped: (event) => `stopped ${event.result}`,
      Completed: (event) => `completed after ${event.runs}`,
      Failed: (event) => `failed after ${event.runs}`
    })
    assert.deepStrictEqual(
      [
        RepeaterEvent.RunStarted({ name: "a", run: 3, scheduledAt: at(0), startedAt: at(0) }),
        RepeaterEvent.RunSucceeded({
          name: "a",
          run: 3,
          scheduledAt: at(0),
          startedAt: at(0),
          duration: Duration.millis(12)
        }),
        RepeaterEvent.TickSkipped({ name: "a", run: 3, scheduledAt: at(0), count: 2 }),
        RepeaterEvent.Stopped({ name: "a", runs: 3, result: "interrupted" }),
        RepeaterEvent.Completed({ name: "a", runs: 4 })
      ].map(describeEvent),
      ["started 3", "succeeded in 12 ms", "skipped 2", "stopped interrupted", "completed after 4"]
    )
  })
})
