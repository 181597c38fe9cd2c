import * as Repeater from "@effect-repeater/core/Repeater"
import { type RepeaterEvent, RepeaterEventSchema } from "@effect-repeater/core/RepeaterEvent"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as Layer from "effect/Layer"
import * as PubSub from "effect/PubSub"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { connect } from "node:net"
import * as RepeaterHttp from "../src/RepeaterHttp.js"
import { bearer, collectLogs, eventually, request, serve, token, tokenConfig } from "./support/server.js"

/** A service whose events are published by the test; `open` counts the subscriptions to them. */
const withEvents = Effect.gen(function*() {
  const real = yield* Repeater.make()
  const pubsub = yield* PubSub.unbounded<RepeaterEvent>()
  const open = yield* Ref.make(0)
  const service: Repeater.Repeater = {
    ...real,
    events: Stream.unwrap(Effect.gen(function*() {
      const subscription = yield* PubSub.subscribe(pubsub)
      yield* Effect.acquireRelease(Ref.update(open, (n) => n + 1), () => Ref.update(open, (n) => n - 1))
      return Stream.fromSubscription(subscription)
    }))
  }
  return { service, open, publish: (events: ReadonlyArray<RepeaterEvent>) => PubSub.publishAll(pubsub, events) }
})

const completed = (name: string): RepeaterEvent => ({ _tag: "Completed", name, runs: 1 }) as unknown as RepeaterEvent

/** An event stream read as fast as it comes: the bytes so far. */
const fastClient = (url: string) =>
  Effect.gen(function*() {
    const controller = new AbortController()
    yield* Effect.addFinalizer(() => Effect.sync(() => controller.abort()))
    const response = yield* Effect.promise(() =>
      fetch(`${url}/repeaters/events`, { headers: bearer(), signal: controller.signal })
    )
    assert.strictEqual(response.status, 200)
    const reader = response.body!.getReader()
    const client = { bytes: 0, text: "", done: false }
    const decoder = new TextDecoder()
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }))
        if (done) break
        client.bytes += value!.length
        client.text += decoder.decode(value!, { stream: true })
      }
      client.done = true
    })()
    return client
  })

const encodedSize = (event: string) => new TextEncoder().encode(event).length

describe("event streams", () => {
  it.live("beyond maxStreams a stream is refused with 503 and a JSON body; a closed one frees its place", () =>
    Effect.gen(function*() {
      const { service } = yield* withEvents
      const url = yield* serve(service, { token: tokenConfig, maxStreams: 2 })
      const first = new AbortController()
      const open = (signal?: AbortSignal) =>
        Effect.promise(() => fetch(`${url}/repeaters/events`, { headers: bearer(), ...(signal ? { signal } : {}) }))
      const a = yield* open(first.signal)
      const b = yield* open()
      assert.deepStrictEqual([a.status, b.status], [200, 200])
      const refused = yield* open()
      assert.strictEqual(refused.status, 503)
      assert.strictEqual(refused.headers.get("content-type"), "application/json")
      const body = yield* Effect.promise(() => refused.json() as Promise<Record<string, unknown>>)
      assert.strictEqual(body._tag, "TooManyEventStreams")
      assert.strictEqual(body.maxStreams, 2)
      assert.include(String(body.message), "2 event streams are open already")
      // the other routes still answer
      assert.strictEqual((yield* request(`${url}/repeaters`, { headers: bearer() })).status, 200)
      first.abort()
      const again = yield* eventually(Effect.gen(function*() {
        const response = yield* open()
        assert.strictEqual(response.status, 200)
        return response
      }))
      yield* Effect.promise(() => Promise.all([again.body!.cancel(), b.body!.cancel()]))
    }))

  it.live("each event is encoded once for all its streams, which share one subscription", () =>
    Effect.gen(function*() {
      const { open, publish, service } = yield* withEvents
      const url = yield* serve(service, { token: tokenConfig, keepAlive: "1 hour" })
      // the events count the reads of their name: encoding an event reads it once
      let reads = 0
      const counted = (i: number): RepeaterEvent =>
        ({
          _tag: "Completed",
          get name() {
            reads++
            return `counted-${i}`
          },
          runs: 1
        }) as unknown as RepeaterEvent
      // (how many times one encoding reads it: the schema may read a field more than once)
      Schema.encodeSync(RepeaterEventSchema)(counted(-1))
      const readsPerEncoding = reads
      reads = 0
      assert.isAtLeast(readsPerEncoding, 1)
      const clients = yield* Effect.forEach([1, 2, 3, 4, 5], () => fastClient(url))
      yield* eventually(Effect.gen(function*() {
        assert.strictEqual(yield* Ref.get(open), 1)
      }))
      yield* publish(Array.from({ length: 10 }, (_, i) => counted(i)))
      yield* eventually(Effect.sync(() => {
        for (const client of clients) {
          for (let i = 0; i < 10; i++) assert.include(client.text, `"name":"counted-${i}"`)
        }
      }))
      assert.strictEqual(reads, 10 * readsPerEncoding)
    }))

  it.live("a client that stops reading has its stream ended; the others get every event", () =>
    Effect.gen(function*() {
      const { publish, service } = yield* withEvents
      const url = yield* serve(service, { token: tokenConfig, keepAlive: "1 hour" })
      const port = Number(new URL(url).port)
      // a real socket: it reads the answer's head, then stops reading
      const socket = connect({ host: "127.0.0.1", port })
      yield* Effect.addFinalizer(() => Effect.sync(() => socket.destroy()))
      let slowBytes = 0
      let closed = false
      socket.on("data", (data: Buffer) => slowBytes += data.length)
      socket.on("error", () => undefined)
      socket.on("close", () => closed = true)
      socket.write(`GET /repeaters/events HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\n\r\n`)
      yield* eventually(Effect.sync(() => assert.isAbove(slowBytes, 0)))
      socket.pause()
      const fast = yield* fastClient(url)

      // 50 batches of 100 events of 16 KiB: 80 MiB, more than the socket buffers and the stream's queue hold
      const name = "n".repeat(16 * 1024)
      const eventSize = encodedSize(`event: Completed\ndata: {"_tag":"Completed","name":"${name}","runs":1}\n\n`)
      const batches = 50
      for (let batch = 1; batch <= batches; batch++) {
        yield* publish(Array.from({ length: 100 }, () => completed(name)))
        yield* eventually(Effect.sync(() => assert.isAtLeast(fast.bytes, batch * 100 * eventSize)))
      }
      const published = batches * 100 * eventSize
      // the slow client reads again: what reaches it ends, far short of everything
      socket.resume()
      yield* eventually(Effect.sync(() => assert.isTrue(closed, "the slow client's stream has not ended")))
      assert.isBelow(slowBytes, published / 2)
      // the fast client got everything, and goes on
      assert.isFalse(fast.done)
      yield* publish([completed("after")])
      yield* eventually(Effect.sync(() => assert.include(fast.text, "\"name\":\"after\"")))
    }))

  it.live("a web handler streams the events too (an Effect Stream instead of a Node Readable)", () =>
    Effect.gen(function*() {
      const { open, publish, service } = yield* withEvents
      const { handler } = yield* Effect.acquireRelease(
        Effect.sync(() =>
          HttpRouter.toWebHandler(
            RepeaterHttp.layer({ token: tokenConfig }).pipe(
              Layer.provide(Layer.succeed(Repeater.Repeater, service)),
              Layer.provide(HttpServer.layerServices)
            ),
            { disableLogger: true }
          )
        ),
        ({ dispose }) => Effect.promise(() => dispose())
      )
      const response = yield* Effect.promise(() =>
        handler(new Request("http://app.example/repeaters/events", { headers: bearer() }))
      )
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers.get("content-type"), "text/event-stream")
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
      let text = ""
      yield* eventually(Effect.gen(function*() {
        assert.strictEqual(yield* Ref.get(open), 1)
      }))
      yield* publish([completed("via-web")])
      while (!text.includes("\"name\":\"via-web\"")) {
        const { done, value } = yield* Effect.promise(() => reader.read())
        if (done) break
        text += value
      }
      assert.isTrue(text.startsWith(": connected\n\n"))
      assert.include(text, "event: Completed\ndata: {\"_tag\":\"Completed\",\"name\":\"via-web\",\"runs\":1}")
      yield* Effect.promise(() => reader.cancel())
    }))

  it.live("when the service's events fail, the failure is logged and the streams end", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      yield* Effect.gen(function*() {
        const real = yield* Repeater.make()
        const service: Repeater.Repeater = {
          ...real,
          events: Stream.concat(Stream.make(completed("before")), Stream.die(new Error("event source exploded")))
        }
        const url = yield* serve(service)
        const client = yield* fastClient(url)
        yield* eventually(Effect.sync(() => assert.isTrue(client.done)))
        yield* eventually(Effect.sync(() => {
          assert.isDefined(logs.find((line) => line.includes("the event stream failed") && line.includes("exploded")))
        }))
      }).pipe(
        collectLogs(({ cause, message }) => logs.push(`${message.map(String).join(" ")} ${Cause.pretty(cause)}`))
      )
    }))
})
