import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"

/**
 * A duration as JSON: its milliseconds, or `"Infinity"` for an infinite one
 * (JSON has no infinite number, and `JSON.stringify` would write `null`).
 * Every `Duration` can be encoded.
 *
 * @internal
 */
export const DurationMillis: Schema.Codec<Duration.Duration, number | "Infinity"> = Schema.Union([
  Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)).annotate({ description: "milliseconds" }),
  Schema.Literal("Infinity")
]).pipe(
  Schema.decodeTo(
    Schema.Duration,
    SchemaTransformation.transform({
      decode: (millis) => millis === "Infinity" ? Duration.infinity : Duration.millis(millis),
      encode: (duration) => Duration.isFinite(duration) ? Duration.toMillis(duration) : "Infinity"
    })
  )
).annotate({
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

/** A Cause that dies with a `PrintedCause` only: one decoded from its text. */
const printedText = (cause: Cause.Cause<unknown>): string | undefined => {
  const [reason] = cause.reasons
  return cause.reasons.length === 1 && reason !== undefined && Cause.isDieReason(reason) &&
      reason.defect instanceof PrintedCause ?
    reason.defect.text :
    undefined
}

/**
 * A Cause as JSON: its pretty-printed text, with the chain of `cause`s of its
 * errors (`Cause.pretty`). The errors themselves do not travel: decoding
 * gives a Cause that dies with an `Error` whose message is the text, and that
 * encodes back to the same text.
 *
 * @internal
 */
export const CauseFromPretty: Schema.Codec<Cause.Cause<unknown>, string> = Schema.String.pipe(
  Schema.decodeTo(
    Schema.declare(Cause.isCause),
    SchemaTransformation.transform({
      decode: (text): Cause.Cause<unknown> => Cause.die(new PrintedCause(text)),
      encode: (cause) => printedText(cause) ?? Cause.pretty(cause)
    })
  )
).pipe(Schema.annotateEncoded({ identifier: "PrettyCause" })).annotate({
  identifier: "PrettyCause",
  description: "A Cause, pretty-printed with the chain of causes of its errors"
})

/**
 * A count (runs, failures, skipped ticks): a non-negative integer.
 *
 * @internal
 */
export const Count: Schema.Codec<number> = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * A time as JSON: an ISO 8601 string (UTC).
 *
 * @internal
 */
export const DateTimeIso = Schema.DateTimeUtcFromString
