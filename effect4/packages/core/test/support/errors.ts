/**
 * The typed failures the tests' tasks fail with.
 */
import { Data } from "effect"

/** A failure that goes away on a later attempt. */
export class Transient extends Data.TaggedError("Transient")<{ readonly attempt: number }> {}

/** A failure carrying a reason, for the tests that tell two failures apart. */
export class Boom extends Data.TaggedError("Boom")<{ readonly reason: string }> {}

/** A task's failure, carrying a message. */
export class TaskError extends Data.TaggedError("TaskError")<{ readonly message: string }> {}
