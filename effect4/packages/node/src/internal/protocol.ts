/**
 * The messages between a `WorkerPool` and its threads (`WorkerThread.serve`),
 * sent with `postMessage`: the payloads, results and typed failures inside
 * them are already encoded by the request's own schemas; a defect is the
 * thrown value as the structured clone carries it (an `Error` keeps its
 * message and stack).
 */
import * as Schema from "effect/Schema"

/** The pool to a thread: serve one request. */
export const Request = Schema.TaggedStruct("Request", {
  id: Schema.Number,
  tag: Schema.String,
  payload: Schema.Unknown
})

/** The pool to a thread: serve no more requests and end. */
export const Close = Schema.TaggedStruct("Close", {})

/** What the pool sends to a thread. */
export const ToThread = Schema.Union([Request, Close])

/** What the pool sends to a thread. */
export type ToThread = typeof ToThread.Type

/** A thread to the pool: it serves requests from now on. */
export const Ready = Schema.TaggedStruct("Ready", {})

/** The request's result, encoded. */
export const Success = Schema.TaggedStruct("Success", { id: Schema.Number, value: Schema.Unknown })

/** The request's own typed failure, encoded. */
export const Failure = Schema.TaggedStruct("Failure", { id: Schema.Number, error: Schema.Unknown })

/** The worker function threw, or its Effect died or could not encode its answer. */
export const Defect = Schema.TaggedStruct("Defect", { id: Schema.Number, cause: Schema.Unknown })

/** What a thread sends to the pool. */
export const FromThread = Schema.Union([Ready, Success, Failure, Defect])

/** What a thread sends to the pool. */
export type FromThread = typeof FromThread.Type

/** The answer to one request. */
export type Answer = Exclude<FromThread, { readonly _tag: "Ready" }>

/** Reads a message from a thread; `undefined` for a message of another shape. */
export const decodeFromThread: (input: unknown) => FromThread | undefined = (input) => {
  const decoded = Schema.decodeUnknownOption(FromThread)(input)
  return decoded._tag === "Some" ? decoded.value : undefined
}

/** Reads a message from the pool; `undefined` for a message of another shape. */
export const decodeToThread: (input: unknown) => ToThread | undefined = (input) => {
  const decoded = Schema.decodeUnknownOption(ToThread)(input)
  return decoded._tag === "Some" ? decoded.value : undefined
}

/** The message of the `WorkerThread` that says it is ready. */
export const ready: typeof Ready.Type = { _tag: "Ready" }
