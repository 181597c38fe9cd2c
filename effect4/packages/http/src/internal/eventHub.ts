import { type RepeaterEvent, RepeaterEventSchema } from "@effect-repeater/core/RepeaterEvent"
import * as Cause from "effect/Cause"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import { Readable } from "node:stream"

const encodeEvent = Schema.encodeSync(RepeaterEventSchema)

/**
 * One Server-Sent Events message: `event:` names the tag, `data:` holds the
 * event's JSON (`RepeaterEventSchema`, whose encoding never fails) on one line.
 *
 * @internal
 */
export const eventToSse = (event: RepeaterEvent): string =>
  `event: ${event._tag}\ndata: ${JSON.stringify(encodeEvent(event))}\n\n`

/**
 * One open event stream, as the hub sees it.
 *
 * @internal
 */
export interface EventSubscriber {
  /** Queues a message for the connection; `false`: the stream has too much waiting, it is dropped. */
  readonly offer: (message: Uint8Array) => boolean
  /** Ends the stream (what is queued may be discarded). */
  readonly end: () => void
  /** Ends the stream and closes its connection at once: it fell behind. */
  readonly drop: () => void
}

/**
 * The event streams of one set of handlers: a single subscription to the
 * service's events, made while at least one stream is open; each event is
 * encoded once, and the same bytes are queued for every stream.
 *
 * @internal
 */
export interface EventHub {
  /**
   * Adds a stream in the current Scope (closed: the stream is gone), or
   * answers `false` when `maxStreams` are open already.
   */
  readonly join: (subscriber: EventSubscriber) => Effect.Effect<boolean, never, Scope.Scope>
  /** The number of open streams. */
  readonly size: () => number
}

/** @internal */
export interface EventHubSettings {
  readonly events: Stream.Stream<RepeaterEvent>
  readonly keepAlive: Duration.Duration
  readonly maxStreams: number
}

/**
 * The events of up to 50 ms, 64 at most, go to the streams as one message:
 * each stream's writer wakes once per batch, not once per event, and the
 * pump lets the writers run between batches (a burst never fills a stream
 * that keeps up).
 */
const BATCH = 64
const WINDOW = "50 millis"

/** The messages of a batch as one array of bytes. */
const concatenate = (batch: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (batch.length === 1) return batch[0]!
  let size = 0
  for (const message of batch) size += message.length
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const message of batch) {
    bytes.set(message, offset)
    offset += message.length
  }
  return bytes
}

const encoder = new TextEncoder()
const keepAliveMessage = encoder.encode(": keep-alive\n\n")

/**
 * Makes the hub of a set of handlers: everything it holds ends with the
 * current Scope (every stream is ended).
 *
 * @internal
 */
export const makeEventHub = (settings: EventHubSettings): Effect.Effect<EventHub, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const subscribers = new Set<EventSubscriber>()
    let pump: Fiber.Fiber<void> | undefined
    const lock = yield* Semaphore.make(1)

    const remove = (subscriber: EventSubscriber) =>
      Effect.sync(() => {
        if (subscribers.delete(subscriber)) subscriber.end()
      })

    /** Queues `message` (a batch) for every stream; a stream whose queue is full is dropped. */
    const broadcast = (message: Uint8Array) => {
      let behind: Array<EventSubscriber> | undefined
      for (const subscriber of subscribers) {
        if (!subscriber.offer(message)) (behind ??= []).push(subscriber)
      }
      return behind === undefined ? Effect.void : Effect.forEach(behind, (subscriber) =>
        Effect.andThen(
          remove(subscriber),
          Effect.sync(() => subscriber.drop()).pipe(
            Effect.andThen(Effect.logWarning(
              "Repeater admin API: an event stream fell too far behind (its client reads too slowly) and was ended"
            ))
          )
        ), { discard: true })
    }

    /** Ends every stream: the events of the service have ended or failed. */
    const endAll = Effect.suspend(() => Effect.forEach(Array.from(subscribers), remove, { discard: true }))

    const run: Effect.Effect<void> = Stream.merge(
      settings.events.pipe(Stream.map((event) => encoder.encode(eventToSse(event)))),
      Stream.fromSchedule(Schedule.spaced(settings.keepAlive)).pipe(Stream.as(keepAliveMessage)),
      { haltStrategy: "left" }
    ).pipe(
      Stream.groupedWithin(BATCH, WINDOW),
      Stream.runForEach((batch) => Effect.andThen(broadcast(concatenate(batch)), Effect.yieldNow)),
      Effect.catchCause((cause) =>
        Cause.hasInterruptsOnly(cause) ?
          Effect.failCause(cause) :
          Effect.logError("Repeater admin API: the event stream failed; its clients' streams are ended", cause)
      ),
      Effect.andThen(lock.withPermits(1)(Effect.andThen(endAll, Effect.sync(() => pump = undefined))))
    )

    const join = (subscriber: EventSubscriber): Effect.Effect<boolean, never, Scope.Scope> =>
      Effect.acquireRelease(
        lock.withPermits(1)(Effect.gen(function*() {
          if (subscribers.size >= settings.maxStreams) return false
          subscribers.add(subscriber)
          // (interruptible: a fiber forked while acquiring would inherit the acquisition's uninterruptible region)
          if (pump === undefined) pump = yield* Effect.forkIn(Effect.interruptible(run), scope)
          return true
        })),
        (joined) =>
          !joined ? Effect.void : lock.withPermits(1)(Effect.gen(function*() {
            yield* remove(subscriber)
            if (subscribers.size === 0 && pump !== undefined) {
              const running = pump
              pump = undefined
              yield* Fiber.interrupt(running)
            }
          }))
      )

    // the handlers go away: every stream ends, so that the server can close its connections
    yield* Effect.addFinalizer(() =>
      lock.withPermits(1)(Effect.suspend(() => {
        const running = pump
        pump = undefined
        return Effect.andThen(endAll, running === undefined ? Effect.void : Fiber.interrupt(running))
      }))
    )

    return { join, size: () => subscribers.size }
  })

const connectedMessage = () => encoder.encode(": connected\n\n")

/**
 * An event stream as an Effect `Stream`, for any platform: at most
 * `bufferSize` messages wait for its connection.
 *
 * @internal
 */
export const queueSubscriber = (
  bufferSize: number,
  drop: () => void
): Effect.Effect<{ readonly subscriber: EventSubscriber; readonly body: Stream.Stream<Uint8Array> }> =>
  Effect.map(Queue.bounded<Uint8Array, Cause.Done>(bufferSize), (messages) => {
    const end = () => {
      Queue.endUnsafe(messages)
    }
    return {
      subscriber: {
        offer: (message) => Queue.offerUnsafe(messages, message),
        end,
        drop: () => {
          end()
          drop()
        }
      },
      body: Stream.concat(Stream.succeed(connectedMessage()), Stream.fromQueue(messages))
    }
  })

/**
 * An event stream as a Node `Readable`, that `@effect/platform-node` pipes
 * to the connection without an Effect step per message: at most
 * `bufferBytes` wait for its connection.
 *
 * @internal
 */
export const readableSubscriber = (
  bufferBytes: number,
  drop: () => void,
  serverClosing: () => boolean
): { readonly subscriber: EventSubscriber; readonly body: Readable } => {
  const body = new Readable({ read() {} })
  body.push(connectedMessage())
  // A closing Node server waits for its open connections before its handlers go away: the stream ends as soon as
  // the server stops listening, so that it can close at once.
  const watch = setInterval(() => {
    if (serverClosing()) end()
  }, 200)
  watch.unref()
  const end = () => {
    clearInterval(watch)
    if (!body.destroyed) body.push(null)
  }
  body.once("close", () => clearInterval(watch))
  return {
    subscriber: {
      offer: (message) => {
        if (body.destroyed) return true
        if (body.readableLength > bufferBytes) return false
        body.push(message)
        return true
      },
      end,
      drop: () => {
        clearInterval(watch)
        body.destroy()
        drop()
      }
    },
    body
  }
}
