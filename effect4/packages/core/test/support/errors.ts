/**
 * The typed failures the tests' tasks fail with.
 */
import { Data } from "effect"

/** A failure that goes away on a later attempt. */
export class Transient extends Data.TaggedError("Transient")<{ readonly attempt: number }> {}
