import { Repeater } from "@effect-repeater/core"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpApi from "effect/http-api/HttpApi"
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder"
import * as HttpApiEndpoint from "effect/http-api/HttpApiEndpoint"
import * as HttpApiGroup from "effect/http-api/HttpApiGroup"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as Layer from "effect/Layer"
import * as NetAddress from "effect/net/NetAddress"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { request as httpRequest } from "node:http"
import { formatAddress, isLoopback, makeTokenCheck } from "../src/internal/auth.js"
import * as RepeaterHttp from "../src/RepeaterHttp.js"
import * as RepeaterHttpApi from "../src/RepeaterHttpApi.js"
import {
  bearer,
  collectLogs,
  portOf,
  request,
  serve,
  serveLayer,
  token,
  tokenConfig,
  withEnv
} from "./support/server.js"

interface Route {
  readonly method: "GET" | "POST"
  readonly path: string
  /** The status with the right token. */
  readonly ok: number
}

/** Every route that needs the token (the unknown name too: no probing for names without it). */
const routes: ReadonlyArray<Route> = [
  { method: "GET", path: "/repeaters", ok: 200 },
  { method: "GET", path: "/repeaters/events", ok: 200 },
  { method: "GET", path: "/repeaters/openapi.json", ok: 200 },
  { method: "GET", path: "/repeaters/dashboard/app.js", ok: 200 },
  { method: "GET", path: "/repeaters/alpha", ok: 200 },
  { method: "GET", path: "/repeaters/unknown", ok: 404 },
  { method: "POST", path: "/repeaters/alpha/run", ok: 200 },
  { method: "POST", path: "/repeaters/alpha/pause", ok: 200 },
  { method: "POST", path: "/repeaters/alpha/resume", ok: 200 },
  { method: "POST", path: "/repeaters/alpha/stop", ok: 200 }
]

/** Authorization headers that must be refused, by what is wrong with them. */
const refused: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ["missing", {}],
  ["wrong token", bearer("not-the-token")],
  ["the token with a character more", bearer(`${token}x`)],
  ["a prefix of the token", bearer(token.slice(0, -1))],
  ["empty bearer", { authorization: "Bearer " }],
  ["another scheme", { authorization: `Basic ${token}` }],
  ["no scheme", { authorization: token }],
  ["token in the query string", {}]
]

const withRepeater = Effect.gen(function*() {
  const service = yield* Repeater.make()
  yield* Effect.provideService(
    Repeater.fork(Effect.void, { name: "alpha", every: "1 hour", waitFirst: true }),
    Repeater.Repeater,
    service
  )
  return service
})

const body = (response: Response) => Effect.promise(() => response.text())

describe("security", () => {
  describe.each(routes)("$method $path", (route) => {
    it.live.each(refused)(
      "refuses %s with 401 and a Bearer challenge, never echoing the token",
      ([what, headers]) =>
        Effect.gen(function*() {
          const url = yield* serve(yield* withRepeater)
          const query = what === "token in the query string" ? `?access_token=${token}&token=${token}` : ""
          const response = yield* request(`${url}${route.path}${query}`, { method: route.method, headers })
          assert.strictEqual(response.status, 401)
          assert.strictEqual(response.headers.get("www-authenticate"), "Bearer realm=\"repeaters\"")
          const text = yield* body(response)
          assert.notInclude(text, token)
          assert.strictEqual(JSON.parse(text)._tag, "Unauthorized")
        })
    )

    it.live("accepts the right token", () =>
      Effect.gen(function*() {
        const url = yield* serve(yield* withRepeater)
        const response = yield* request(`${url}${route.path}`, { method: route.method, headers: bearer() })
        assert.strictEqual(response.status, route.ok)
        yield* Effect.promise(() => response.body?.cancel() ?? Promise.resolve())
      }))

    it.live("accepts the scheme in any case", () =>
      Effect.gen(function*() {
        const url = yield* serve(yield* withRepeater)
        const response = yield* request(`${url}${route.path}`, {
          method: route.method,
          headers: { authorization: `bearer ${token}` }
        })
        assert.strictEqual(response.status, route.ok)
        yield* Effect.promise(() => response.body?.cancel() ?? Promise.resolve())
      }))
  })

  it.live("a refused request changes nothing", () =>
    Effect.gen(function*() {
      const service = yield* withRepeater
      const url = yield* serve(service)
      for (const action of ["run", "pause", "stop"]) {
        const response = yield* request(`${url}/repeaters/alpha/${action}`, { method: "POST", headers: bearer("x") })
        assert.strictEqual(response.status, 401)
      }
      yield* Effect.sleep("100 millis")
      const status = yield* Effect.flatMap(service.get("alpha"), (handle) => handle.status)
      assert.strictEqual(status.state, "scheduled")
      assert.strictEqual(status.runs, 0)
    }))

  it.live("the dashboard page is served without the token and holds no data", () =>
    Effect.gen(function*() {
      const url = yield* serve(yield* withRepeater)
      const response = yield* request(`${url}/repeaters/dashboard`)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.headers.get("content-type"), "text/html; charset=utf-8")
      const csp = response.headers.get("content-security-policy") ?? ""
      assert.include(csp, "default-src 'none'")
      assert.include(csp, "frame-ancestors 'none'")
      assert.include(csp, "connect-src 'self'")
      const html = yield* body(response)
      assert.include(html, "Admin token")
      assert.notInclude(html, "alpha")
      // the same page with the token: it is static
      const withToken = yield* body(yield* request(`${url}/repeaters/dashboard`, { headers: bearer() }))
      assert.strictEqual(withToken, html)
    }))

  it.live("the token is never logged", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      // the whole of each log: its message, its annotations and its cause
      yield* Effect.gen(function*() {
        const url = yield* serve(yield* withRepeater, { token: tokenConfig, logRequests: true })
        yield* request(`${url}/repeaters`, { headers: bearer("wrong-guess") })
        yield* request(`${url}/repeaters`, { headers: bearer() })
        yield* request(`${url}/repeaters/alpha/run`, { method: "POST", headers: bearer() })
      }).pipe(collectLogs(({ annotations, cause, message }) =>
        logs.push(`${JSON.stringify(message)} ${JSON.stringify(annotations)} ${Cause.pretty(cause)}`)
      ))
      // each request was logged, the refused one included
      assert.isAtLeast(logs.length, 3)
      for (const line of logs) {
        assert.notInclude(line, token)
      }
    }))

  describe("startup", () => {
    const build = (options: RepeaterHttp.AuthorizationOptions, host: string, env: Record<string, string> = {}) =>
      Effect.gen(function*() {
        const service = yield* Repeater.make()
        return yield* Layer.build(serveLayer(service, RepeaterHttp.layer(options), { host })).pipe(
          withEnv(env),
          Effect.exit
        )
      })

    const failure = (exit: Exit.Exit<unknown, unknown>): RepeaterHttp.RepeaterHttpConfigError => {
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isSuccess(exit)) throw new Error("built")
      const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
      assert.instanceOf(error, RepeaterHttp.RepeaterHttpConfigError)
      if (!(error instanceof RepeaterHttp.RepeaterHttpConfigError)) throw new Error("not a RepeaterHttpConfigError")
      return error
    }

    it.live("fails to build with no token configured", () =>
      Effect.gen(function*() {
        const error = failure(yield* build({}, "127.0.0.1"))
        assert.strictEqual(error.field, "token")
        assert.strictEqual(
          error.message,
          "Invalid repeater admin API setting \"token\" (not set): no admin token is configured " +
            "(environment variable REPEATER_ADMIN_TOKEN): set one, or opt into \"unauthenticated\" on a server bound to loopback"
        )
      }))

    it.live("fails to build with an empty token", () =>
      Effect.gen(function*() {
        const error = failure(
          yield* build({ token: Config.Redacted("ADMIN_TOKEN") }, "127.0.0.1", { ADMIN_TOKEN: "  " })
        )
        assert.strictEqual(error.field, "token")
        assert.strictEqual(error.value, "empty")
      }))

    it.live("fails to build with a token that has whitespace in it", () =>
      Effect.gen(function*() {
        for (const value of ["abc def", "abcdef\n", "\tabcdef"]) {
          const error = failure(
            yield* build({ token: Config.Redacted("ADMIN_TOKEN") }, "127.0.0.1", { ADMIN_TOKEN: value })
          )
          assert.strictEqual(error.field, "token")
          assert.strictEqual(error.value, "with whitespace")
          assert.notInclude(error.message, "abc")
        }
      }))

    it.live("fails to build with a keep-alive interval of zero", () =>
      Effect.gen(function*() {
        for (const [keepAlive, given] of [[0, "0"], ["0 millis", "\"0 millis\""], [-5, "-5"]] as const) {
          const service = yield* Repeater.make()
          const exit = yield* Layer.build(serveLayer(service, RepeaterHttp.layer({ token: tokenConfig, keepAlive })))
            .pipe(Effect.exit)
          const error = failure(exit)
          assert.strictEqual(error.field, "keepAlive")
          // the value as given
          assert.strictEqual(error.value, given)
        }
      }))

    it.live("reads the token from REPEATER_ADMIN_TOKEN by default", () =>
      Effect.gen(function*() {
        const exit = yield* build({}, "127.0.0.1", { REPEATER_ADMIN_TOKEN: token })
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isFailure(exit)) return
        const url = `http://127.0.0.1:${portOf(exit.value)}/repeaters`
        assert.strictEqual((yield* request(url, { headers: bearer() })).status, 200)
        assert.strictEqual((yield* request(url)).status, 401)
      }))

    it.live("refuses to start unauthenticated on a non-loopback address (0.0.0.0)", () =>
      Effect.gen(function*() {
        const exit = yield* build({ unauthenticated: true }, "0.0.0.0")
        const error = failure(exit)
        assert.strictEqual(error.field, "unauthenticated")
        assert.strictEqual(error.value, "true")
        assert.match(
          error.message,
          /only accepted on a server bound to loopback, and this one listens on http:\/\/0\.0\.0\.0:\d+/
        )
      }))

    it.live("starts unauthenticated on loopback, and then needs no token", () =>
      Effect.gen(function*() {
        const url = yield* serve(yield* withRepeater, { unauthenticated: true })
        const response = yield* request(`${url}/repeaters/alpha/run`, { method: "POST" })
        assert.strictEqual(response.status, 200)
      }))

    it.live("with a token configured, the unauthenticated opt-in does not lift it", () =>
      Effect.gen(function*() {
        const url = yield* serve(yield* withRepeater, { token: tokenConfig, unauthenticated: true })
        assert.strictEqual((yield* request(`${url}/repeaters`)).status, 401)
        assert.strictEqual((yield* request(`${url}/repeaters`, { headers: bearer() })).status, 200)
      }))
  })

  describe("mounted in an application's own HttpApi", () => {
    class Hello extends HttpApiGroup.make("hello").add(
      HttpApiEndpoint.get("hello", "/hello", { success: Schema.String })
    ) {}
    class AppApi extends HttpApi.make("app").add(RepeaterHttpApi.group).add(Hello) {}

    it.live("serves the group next to the application's routes, which stay open", () =>
      Effect.gen(function*() {
        const service = yield* withRepeater
        const RepeatersLive = HttpApiBuilder.group(AppApi, "repeaters", RepeaterHttp.handlers).pipe(
          Layer.provide(RepeaterHttp.layerAuthorization({ token: tokenConfig }))
        )
        const HelloLive = HttpApiBuilder.group(AppApi, "hello", (handlers) =>
          handlers.handle("hello", () =>
            Effect.succeed("hi")))
        const app = HttpApiBuilder.layer(AppApi, { openapiPath: "/openapi.json" }).pipe(
          Layer.provide([RepeatersLive, HelloLive])
        )
        const context = yield* Layer.build(serveLayer(service, app))
        const url = `http://127.0.0.1:${portOf(context)}`

        assert.strictEqual(yield* body(yield* request(`${url}/hello`)), "\"hi\"")
        const refusedResponse = yield* request(`${url}/repeaters/alpha`)
        assert.strictEqual(refusedResponse.status, 401)
        assert.strictEqual(refusedResponse.headers.get("www-authenticate"), "Bearer realm=\"repeaters\"")
        const status = yield* request(`${url}/repeaters/alpha`, { headers: bearer() })
        assert.strictEqual(status.status, 200)
        const doc = yield* Effect.promise(() =>
          fetch(`${url}/openapi.json`).then((response) => response.json())
        ).pipe(
          Effect.flatMap(
            Schema.decodeUnknownEffect(Schema.Struct({ paths: Schema.Record(Schema.String, Schema.Unknown) }))
          ),
          Effect.orDie
        )
        assert.includeMembers(Object.keys(doc.paths), [
          "/hello",
          "/repeaters",
          "/repeaters/{name}/run",
          "/repeaters/events"
        ])
      }))
  })

  describe("as a web handler (no HttpServer)", () => {
    const webHandler = (service: Repeater.Repeater, options: RepeaterHttp.AuthorizationOptions) =>
      Effect.acquireRelease(
        Effect.sync(() =>
          HttpRouter.toWebHandler(
            RepeaterHttp.layer(options).pipe(
              Layer.provide(Layer.succeed(Repeater.Repeater, service)),
              Layer.provide(HttpServer.layerServices)
            ),
            { disableLogger: true }
          )
        ),
        ({ dispose }) => Effect.promise(() => dispose())
      )

    it.live("needs the token", () =>
      Effect.gen(function*() {
        const { handler } = yield* webHandler(yield* withRepeater, { token: tokenConfig })
        const ask = (headers: Record<string, string>) =>
          Effect.promise(() => handler(new Request("http://app.example/repeaters/alpha", { headers })))
        assert.strictEqual((yield* ask({})).status, 401)
        assert.strictEqual((yield* ask(bearer("wrong"))).status, 401)
        const response = yield* ask(bearer())
        assert.strictEqual(response.status, 200)
        assert.include(yield* Effect.promise(() => response.text()), "\"name\":\"alpha\"")
      }))

    it.live("refuses to serve unauthenticated: there is no bound address to check", () =>
      Effect.gen(function*() {
        // (a web handler builds its layer on the first request, with the default ConfigProvider: a variable that is not set)
        const { handler } = yield* webHandler(yield* withRepeater, {
          token: Config.Redacted("REPEATER_HTTP_TEST_UNSET_TOKEN"),
          unauthenticated: true
        })
        const error = yield* Effect.flip(
          Effect.tryPromise(() => handler(new Request("http://localhost/repeaters")))
        )
        assert.include(String(error.cause), "Invalid repeater admin API setting \"unauthenticated\" (true)")
        assert.include(String(error.cause), "none is provided")
      }))
  })

  describe("token check", () => {
    const check = makeTokenCheck(Redacted.make("abc123"))

    it("accepts exactly the token, with the Bearer scheme in any case", () => {
      assert.isTrue(check("Bearer abc123"))
      assert.isTrue(check("bearer abc123"))
      assert.isTrue(check("BEARER   abc123 "))
      assert.isFalse(check(undefined))
      assert.isFalse(check(""))
      assert.isFalse(check("abc123"))
      assert.isFalse(check("Bearer abc1234"))
      assert.isFalse(check("Bearer abc12"))
      assert.isFalse(check("Bearer ABC123"))
      assert.isFalse(check("Bearer abc123 abc123"))
      assert.isFalse(check("Basic abc123"))
      assert.isFalse(check("Bearerabc123"))
    })

    it("knows loopback addresses", () => {
      // (an Effect 4 server's address is always an IP address: no host names)
      const tcp = (ip: string) => NetAddress.inetAddressFromIpStringUnsafe(ip, 1)
      for (const host of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) {
        assert.isTrue(isLoopback(tcp(host)), host)
      }
      for (const host of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "128.0.0.1", "::ffff:10.0.0.1"]) {
        assert.isFalse(isLoopback(tcp(host)), host)
      }
      assert.isFalse(isLoopback(NetAddress.unixPathAddress("/tmp/socket")))
    })

    it("writes addresses as URLs, IPv6 hosts in brackets", () => {
      assert.strictEqual(formatAddress(NetAddress.inetAddressFromIpStringUnsafe("::1", 8080)), "http://[::1]:8080")
      assert.strictEqual(
        formatAddress(NetAddress.inetAddressFromIpStringUnsafe("127.0.0.1", 80)),
        "http://127.0.0.1:80"
      )
      assert.strictEqual(formatAddress(NetAddress.unixPathAddress("/tmp/socket")), "unix:///tmp/socket")
    })
  })
})

/** A request with headers fetch would not let us set (Host), over node:http. */
const rawRequest = (
  url: string,
  options: { readonly method?: string; readonly headers?: Record<string, string> }
): Effect.Effect<{ readonly status: number; readonly body: string }> =>
  Effect.callback((resume) => {
    const req = httpRequest(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => body += chunk)
      res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, body })))
    })
    req.on("error", (error) => resume(Effect.die(error)))
    req.end()
    return Effect.sync(() => req.destroy())
  })

describe("unauthenticated on loopback", () => {
  const open = Effect.flatMap(
    withRepeater,
    (service) => Effect.map(serve(service, { unauthenticated: true }), (url) => ({ service, url }))
  )

  it.live("refuses a request from another site's page (cross-site request forgery)", () =>
    Effect.gen(function*() {
      const { service, url } = yield* open
      for (
        const headers of [
          { origin: "https://evil.example" },
          { origin: "http://localhost:1" },
          { origin: "null" },
          { "sec-fetch-site": "cross-site" },
          { "sec-fetch-site": "same-site" }
        ]
      ) {
        for (const action of ["run", "pause", "stop"]) {
          const response = yield* rawRequest(`${url}/repeaters/alpha/${action}`, { method: "POST", headers })
          assert.strictEqual(response.status, 401, `${action} ${JSON.stringify(headers)}`)
          assert.strictEqual(JSON.parse(response.body)._tag, "Unauthorized")
        }
      }
      const status = yield* Effect.flatMap(service.get("alpha"), (handle) => handle.status)
      assert.strictEqual(status.state, "scheduled")
      assert.strictEqual(status.runs, 0)
    }))

  it.live("refuses a request for another host name (DNS rebinding)", () =>
    Effect.gen(function*() {
      const { url } = yield* open
      for (const host of ["evil.example", "evil.example:80", "127.0.0.1.evil.example"]) {
        const response = yield* rawRequest(`${url}/repeaters`, { headers: { host } })
        assert.strictEqual(response.status, 401, host)
      }
    }))

  it.live("accepts the page's own requests and those of local tools", () =>
    Effect.gen(function*() {
      const { url } = yield* open
      const port = new URL(url).port
      for (
        const headers of [
          {},
          { host: `localhost:${port}` },
          { host: `[::1]:${port}` },
          { host: `127.0.0.1:${port}`, origin: url, "sec-fetch-site": "same-origin" },
          { host: `localhost:${port}`, origin: `http://localhost:${port}` },
          { "sec-fetch-site": "none" }
        ]
      ) {
        const response = yield* rawRequest(`${url}/repeaters/alpha/run`, { method: "POST", headers })
        assert.strictEqual(response.status, 200, JSON.stringify(headers))
      }
    }))

  it.live("starts on the IPv6 loopback address ::1", () =>
    Effect.gen(function*() {
      const service = yield* withRepeater
      const context = yield* Layer.build(
        serveLayer(service, RepeaterHttp.layer({ unauthenticated: true }), { host: "::1" })
      ).pipe(withEnv({}))
      const address = Context.get(context, HttpServer.HttpServer).address
      assert.strictEqual(address._tag === "InetAddressV6" ? NetAddress.formatIp(address.address) : "", "::1")
      const port = portOf(context)
      const response = yield* rawRequest(`http://[::1]:${port}/repeaters`, {})
      assert.strictEqual(response.status, 200)
    }))

  it.live("refuses to start on every IPv6 address (::)", () =>
    Effect.gen(function*() {
      const service = yield* Repeater.make()
      const exit = yield* Layer.build(
        serveLayer(service, RepeaterHttp.layer({ unauthenticated: true }), { host: "::" })
      ).pipe(withEnv({}), Effect.exit)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isSuccess(exit)) return
      const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
      assert.instanceOf(error, RepeaterHttp.RepeaterHttpConfigError)
      // (the Node server reports "::" as the unspecified address, not loopback)
      assert.strictEqual(error instanceof RepeaterHttp.RepeaterHttpConfigError ? error.field : "", "unauthenticated")
    }))
})
