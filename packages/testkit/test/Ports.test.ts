import { assert, describe, it } from "@effect/vitest"
import { createServer } from "node:net"
import { freePort, freePorts } from "../src/Ports.js"

const listen = (port: number) =>
  new Promise<() => Promise<void>>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => resolve(() => new Promise((done) => server.close(() => done()))))
  })

describe("Ports", () => {
  it("freePorts gives distinct ports that can all be bound together", async () => {
    const ports = await freePorts(8)
    assert.strictEqual(ports.length, 8)
    assert.strictEqual(new Set(ports).size, 8)
    const closes = await Promise.all(ports.map(listen))
    await Promise.all(closes.map((close) => close()))
  })

  it("freePort gives a port that can be bound", async () => {
    const port = await freePort()
    assert.isAbove(port, 0)
    const close = await listen(port)
    await close()
  })
})
