import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import { identity } from "effect/Function"
import * as Schema from "effect/Schema"

/**
 * A duration as JSON: its milliseconds, or `"Infinity"` for an infinite one
 * (JSON has no infinite number, and `JSON.stringify` would write `null`).
 * Every `Duration` can be encoded.
 *
 * @internal
 */
export const DurationMillis = Schema.transform(
  Schema.Union(
    Schema.NonNegative.pipe(Schema.finite()).annotations({ description: "milliseconds" }),
    Schema.Literal("Infinity")
  ),
  Schema.DurationFromSelf,
  {
    strict: true,
    decode: (millis) => millis === "Infinity" ? Duration.infinity : Duration.millis(millis),
    encode: (duration) => Duration.isFinite(duration) ? Duration.toMillis(duration) : "Infinity"
  }
).annotations({
  identifier: "DurationMillis",
  description: "A duration in milliseconds, or \"Infinity\""
})

/**
 * What a Cause decoded from its printed text dies with: an `Error` whose
 * message is that text. It encodes back to the same text.
 */
class PrintedCause extends Error {
  constructor(readonly text: string) {
    super(text)
    this.name = "PrintedCause"
  }
}

/**
 * A Cause as JSON: its pretty-printed text, with the chain of `cause`s of its
 * errors (`Cause.pretty(cause, { renderErrorCause: true })`). The errors
 * themselves do not travel: decoding gives a Cause that dies with an `Error`
 * whose message is the text, and that encodes back to the same text.
 *
 * @internal
 */
export const CauseFromPretty = Schema.transform(
  Schema.String,
  Schema.CauseFromSelf({ error: Schema.Unknown, defect: Schema.Unknown }),
  {
    strict: true,
    decode: (text): Cause.Cause<unknown> => Cause.die(new PrintedCause(text)),
    encode: (cause) =>
      Cause.isDieType(cause) && cause.defect instanceof PrintedCause ?
        cause.defect.text :
        Cause.pretty(cause, { renderErrorCause: true })
  }
).annotations({
  identifier: "PrettyCause",
  description: "A Cause, pretty-printed with the chain of causes of its errors"
})

/**
 * A count (runs, failures, skipped ticks): a non-negative integer.
 *
 * @internal
 */
export const Count = Schema.NonNegativeInt

/**
 * `schema`, whose decoded values are `Data` values (equal by structure, as
 * those a `Data.TaggedEnum` constructor makes). Unlike `Schema.Data`, it
 * encodes any value of the right shape, a plain object included. (The type
 * side is a declaration that checks the shape and keeps the value itself: a
 * struct schema would copy it into a plain object.)
 *
 * @internal
 */
export const decodingToData = <A extends Readonly<Record<string, unknown>>, I>(
  schema: Schema.Schema<A, I>
): Schema.Schema<A, I> =>
  Schema.transform(schema, Schema.declare(Schema.is(Schema.typeSchema(schema))), {
    strict: true,
    decode: (value): A => Data.struct(value),
    encode: identity
  })
