import { RepeaterEvent } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Data, DateTime, Duration, Equal, Schema } from "effect"
import * as fc from "fast-check"
import * as Arbitraries from "./support/arbitraries.js"

const encode = Schema.encodeSync(RepeaterEvent.RepeaterEventSchema)
const decode = Schema.decodeUnknownSync(RepeaterEvent.RepeaterEventSchema)
/** Through JSON text, as a client receives it. */
const throughJson = (event: RepeaterEvent.RepeaterEvent): unknown => JSON.parse(JSON.stringify(encode(event)))

class Boom extends Data.TaggedError("Boom")<{ readonly reason: string }> {}

const at = DateTime.makeUnsafe("2026-01-01T00:00:00Z")

describe("RepeaterEvent.RepeaterEventSchema", () => {
  it("an event's JSON: ISO times, durationMillis, the Cause pretty-printed with the causes of its errors", () => {
    assert.deepStrictEqual(
      encode(
        RepeaterEvent.RunSucceeded({
          name: "n",
          run: 2,
          scheduledAt: at,
          startedAt: at,
          duration: Duration.millis(1.5)
        })
      ),
      {
        _tag: "RunSucceeded",
        name: "n",
        run: 2,
        scheduledAt: "2026-01-01T00:00:00.000Z",
        startedAt: "2026-01-01T00:00:00.000Z",
        durationMillis: 1.5
      }
    )
    const failed = encode(RepeaterEvent.Failed({
      name: "n",
      runs: 1,
      cause: Cause.combine(
        Cause.fail(new Boom({ reason: "disk full" })),
        Cause.die(new Error("wrapper", { cause: new Error("root cause") }))
      )
    }))
    assert.strictEqual(failed._tag, "Failed")
    if (failed._tag !== "Failed") return
    assert.include(failed.cause, "Boom")
    assert.include(failed.cause, "wrapper")
    assert.include(failed.cause, "root cause")
  })

  it("an infinite duration is \"Infinity\", which JSON keeps (a number would become null)", () => {
    const json = throughJson(
      RepeaterEvent.RunSucceeded({ name: "n", run: 1, scheduledAt: at, startedAt: at, duration: Duration.infinity })
    )
    assert.propertyVal(json, "durationMillis", "Infinity")
    const decoded = decode(json)
    assert.isTrue(decoded._tag === "RunSucceeded" && !Duration.isFinite(decoded.duration))
  })

  it("a duration of nanoseconds comes back as the same length, in milliseconds", () => {
    const decoded = decode(throughJson(
      RepeaterEvent.RunSucceeded({ name: "n", run: 1, scheduledAt: at, startedAt: at, duration: Duration.nanos(1500n) })
    ))
    assert.isTrue(decoded._tag === "RunSucceeded" && Duration.equals(decoded.duration, Duration.nanos(1500n)))
  })

  it("property: an event without a Cause comes back from JSON equal to itself", () =>
    fc.assert(fc.property(Arbitraries.eventWithoutCause, (event) => {
      const decoded = decode(throughJson(event))
      assert.isTrue(Equal.equals(decoded, event), JSON.stringify(encode(event)))
      assert.strictEqual(decoded._tag, event._tag)
    })))

  it("property: encoding never fails, and the JSON of any event is a fixed point of decode then encode", () =>
    fc.assert(fc.property(Arbitraries.event, (event) => {
      const json = throughJson(event)
      assert.deepStrictEqual(encode(decode(json)), json)
    })))

  it("a decoded Cause dies with an Error whose message is the printed text", () => {
    const json = throughJson(RepeaterEvent.Failed({ name: "n", runs: 1, cause: Cause.fail(new Boom({ reason: "x" })) }))
    const decoded = decode(json)
    assert.strictEqual(decoded._tag, "Failed")
    if (decoded._tag !== "Failed") return
    const squashed = Cause.squash(decoded.cause)
    assert.instanceOf(squashed, Error)
    assert.propertyVal(json, "cause", squashed instanceof Error ? squashed.message : undefined)
  })

  it("rejects JSON that is not an event, naming the field", () => {
    assert.throws(
      () => decode({ _tag: "RunStarted", name: "n", run: 1, scheduledAt: "not a date", startedAt: "x" }),
      /scheduledAt/
    )
    assert.throws(() => decode({ _tag: "Exploded", name: "n" }), /_tag/)
  })

  it("StopResultSchema accepts the three results only", () => {
    const is = Schema.is(RepeaterEvent.StopResultSchema)
    assert.deepStrictEqual(["idle", "finished", "interrupted", "stopped"].map(is), [true, true, true, false])
  })
})

describe("RepeaterEvent.RepeaterEventSchema on events not made by the constructors", () => {
  it("encodes a plain object of an event's shape, as the type allows, and decodes it into a Data value", () => {
    const plain: RepeaterEvent.RepeaterEvent = { _tag: "Completed", name: "n", runs: 2 }
    const json = encode(plain)
    assert.deepStrictEqual(json, { _tag: "Completed", name: "n", runs: 2 })
    assert.isTrue(Equal.equals(decode(json), RepeaterEvent.Completed({ name: "n", runs: 2 })))
  })
})
