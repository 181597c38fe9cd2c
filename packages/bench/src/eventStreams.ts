/**
 * Event streams under load: `node --import tsx src/eventStreams.ts [--streams 500] [--rate 40] [--seconds 10]`.
 *
 * Starts a server in a child process (an application's `HttpApi` with the repeaters group and a `GET /health`
 * route, unauthenticated on 127.0.0.1) whose repeater makes `--rate` events a second (a run every 2/rate seconds:
 * its RunStarted and RunSucceeded), opens `--streams` event streams to it from a second child process, reading them
 * as they come, and asks `GET /health` every 50 ms for `--seconds` from this one: prints its latency (p50, p99, max)
 * and the events the streams received meanwhile.
 *
 * @since 0.1.0
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterHttp, RepeaterHttpApi } from "@effect-repeater/http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { spawn } from "node:child_process"
import { Agent, get } from "node:http"
import { createServer } from "node:http"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

const print = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  return index < 0 ? fallback : Number(process.argv[index + 1])
}

class Health
  extends HttpApiGroup.make("health").add(HttpApiEndpoint.get("health", "/health").addSuccess(Schema.String))
{}
class AppApi extends HttpApi.make("app").add(RepeaterHttpApi.group).add(Health) {}

/** The server: prints its port, then serves until killed. */
const server = (streams: number, rate: number) => {
  const RepeatersLive = HttpApiBuilder.group(
    AppApi,
    "repeaters",
    RepeaterHttp.handlersWith({ maxStreams: Math.max(streams, 1) })
  ).pipe(Layer.provide(RepeaterHttp.layerAuthorization({ unauthenticated: true })))
  const HealthLive = HttpApiBuilder.group(
    AppApi,
    "health",
    (handlers) => handlers.handle("health", () => Effect.succeed("ok"))
  )
  const Ticker = Repeater.background(
    Effect.void,
    { name: "ticker", every: `${Math.round(2000 / rate)} millis`, mode: "rate" }
  )
  const Port = Layer.effectDiscard(
    HttpServer.addressWith((address) =>
      Effect.sync(() => print(`port ${address._tag === "TcpAddress" ? address.port : 0}`))
    )
  )
  const App = HttpApiBuilder.serve().pipe(
    Layer.provide(HttpApiBuilder.api(AppApi).pipe(Layer.provide([RepeatersLive, HealthLive]))),
    Layer.merge(Ticker),
    Layer.merge(Port),
    Layer.provide(Repeater.layer),
    Layer.provide(NodeHttpServer.layer(createServer, { host: "127.0.0.1", port: 0 }))
  )
  Layer.launch(App).pipe(NodeRuntime.runMain)
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

/** Starts this script in a child process with `args`; answers it and the lines it prints. */
const child = (args: ReadonlyArray<string>, prof?: string) => {
  const process_ = spawn(process.execPath, [
    ...(prof === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", prof]),
    "--import",
    "tsx",
    fileURLToPath(import.meta.url),
    ...args
  ], { stdio: ["ignore", "pipe", "inherit"] })
  const lines = createInterface({ input: process_.stdout! })
  /** The first line that `pattern` matches. */
  const expect = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const onLine = (line: string) => {
        const match = pattern.exec(line)
        if (match === null) return
        lines.off("line", onLine)
        resolve(match)
      }
      lines.on("line", onLine)
      process_.once("exit", (code) => reject(new Error(`${args[0]} exited with ${code}`)))
    })
  return { process: process_, expect }
}

/** The stream clients: open `streams` event streams, then print the events received so far on every line of input. */
const streamClients = async (port: number, streams: number) => {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity })
  let events = 0
  await Promise.all(Array.from({ length: streams }, () =>
    new Promise<void>((resolve, reject) => {
      get({ host: "127.0.0.1", port, path: "/repeaters/events", agent }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`events answered ${response.statusCode}`))
        response.setEncoding("utf8")
        response.on("data", (text: string) => {
          events += text.split("\nevent: ").length - 1 + (text.startsWith("event: ") ? 1 : 0)
        })
        resolve()
      }).on("error", reject)
    })))
  print(`open ${streams}`)
  setInterval(() => print(`events ${events}`), 1000)
}

/** The load: the server and the stream clients in child processes, the probes of `/health` here. */
const load = async (streams: number, rate: number, seconds: number) => {
  const server = child(
    ["--server", "--streams", String(streams), "--rate", String(rate)],
    process.env.BENCH_SERVER_PROF
  )
  let clients: ReturnType<typeof child> | undefined
  try {
    const port = Number((await server.expect(/^port (\d+)$/))[1])
    clients = child(["--clients", "--port", String(port), "--streams", String(streams)])
    await clients.expect(/^open \d+$/)
    print(`${streams} streams open; ${rate} events/s; probing GET /health every 50 ms for ${seconds} s`)
    const eventsBefore = Number((await clients.expect(/^events (\d+)$/))[1])
    const agent = new Agent({ keepAlive: false })
    const latencies: Array<number> = []
    const started = Date.now()
    const end = started + seconds * 1000
    while (Date.now() < end) {
      const start = performance.now()
      await new Promise<void>((resolve, reject) => {
        get({ host: "127.0.0.1", port, path: "/health", agent }, (response) => {
          response.resume()
          response.on("end", () => resolve())
        }).on("error", reject)
      })
      latencies.push(performance.now() - start)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const eventsAfter = Number((await clients.expect(/^events (\d+)$/))[1])
    const elapsed = (Date.now() - started) / 1000
    const sorted = [...latencies].sort((a, b) => a - b)
    print(
      `GET /health over ${latencies.length} requests: p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`
    )
    const received = eventsAfter - eventsBefore
    print(`events received meanwhile: ${received} (${(received / streams / elapsed).toFixed(1)} per stream per second)`)
  } finally {
    clients?.process.kill("SIGTERM")
    server.process.kill("SIGTERM")
  }
}

const streams = argument("streams", 500)
const rate = argument("rate", 40)
if (process.argv.includes("--server")) {
  server(streams, rate)
} else if (process.argv.includes("--clients")) {
  await streamClients(argument("port", 0), streams)
} else {
  await load(streams, rate, argument("seconds", 10))
}
