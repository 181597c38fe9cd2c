import type * as HttpServer from "effect/http/HttpServer"
import * as NetAddress from "effect/net/NetAddress"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { createHash, timingSafeEqual } from "node:crypto"

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest()

/**
 * Checks an `Authorization` header against the expected token in constant
 * time: both sides are hashed to equal-length digests first, so neither the
 * content nor the length of the token leaks through timing.
 *
 * @internal
 */
export const makeTokenCheck = (token: Redacted.Redacted<string>): (header: string | undefined) => boolean => {
  const expected = digest(Redacted.value(token))
  return (header) => {
    if (header === undefined) return false
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
    if (match === null) return false
    return timingSafeEqual(digest(match[1]!), expected)
  }
}

/** Whether an IP address is a loopback one: 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6. */
const isLoopbackIp = (address: NetAddress.IpAddress): boolean => {
  if (NetAddress.isLoopback(address)) return true
  if (address._tag !== "Ipv6Address" || !NetAddress.isIpv4Mapped(address)) return false
  return Option.match(NetAddress.fromIpv4Mapped(address), { onNone: () => false, onSome: NetAddress.isLoopback })
}

/**
 * Whether the server only listens on a loopback interface.
 *
 * @internal
 */
export const isLoopback = (address: HttpServer.HttpServer["Service"]["address"]): boolean =>
  address._tag !== "UnixPathAddress" && isLoopbackIp(address.address)

/** A loopback host name as a `Host` header or a URL has it: `localhost`, `127.x.y.z` or `[::1]`, with or without a port. */
const loopbackHost = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i

/**
 * Whether a request to an unauthenticated server comes from this machine's
 * own tools or from the dashboard page it serves, and not from another site's
 * page in the operator's browser: the `Host` must name loopback (a DNS
 * rebinding attack sends the attacker's name), and a browser's `Origin` /
 * `Sec-Fetch-Site` must say same origin (a cross-site request forgery has
 * another).
 *
 * @internal
 */
export const isLocalRequest = (headers: Readonly<Record<string, string | undefined>>): boolean => {
  const host = headers["host"]
  if (host === undefined || !loopbackHost.test(host)) return false
  const site = headers["sec-fetch-site"]
  if (site !== undefined && site !== "same-origin" && site !== "none") return false
  const origin = headers["origin"]
  return origin === undefined || origin.toLowerCase() === `http://${host.toLowerCase()}`
}

/**
 * The address as a URL: an IPv6 host in brackets (`http://[::1]:8080`).
 *
 * @internal
 */
export const formatAddress = (address: HttpServer.HttpServer["Service"]["address"]): string => {
  if (address._tag === "UnixPathAddress") return NetAddress.formatUnixPath(address)
  const ip = NetAddress.formatIp(address.address)
  return `http://${address._tag === "InetAddressV6" ? `[${ip}]` : ip}:${address.port}`
}
