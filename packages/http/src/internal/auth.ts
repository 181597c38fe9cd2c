import type * as HttpServer from "@effect/platform/HttpServer"
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

/**
 * Whether the server only listens on a loopback interface.
 *
 * @internal
 */
export const isLoopback = (address: HttpServer.Address): boolean => {
  if (address._tag !== "TcpAddress") return false
  const host = address.hostname.toLowerCase()
  return host === "::1" || host === "localhost" || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}
