/**
 * Free TCP ports on 127.0.0.1.
 *
 * @since 0.1.0
 */
import { createServer, type Server } from "node:net"

/**
 * `count` distinct ports that were free a moment ago on 127.0.0.1: all are
 * held open together while they are chosen, so none is handed out twice.
 * Another process may still take one before it is bound again.
 *
 * @since 0.1.0
 * @category constructors
 */
export const freePorts = async (count: number): Promise<Array<number>> => {
  const servers: Array<Server> = []
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer()
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject)
        server.listen(0, "127.0.0.1", () => resolve())
      })
    }
    return servers.map((server) => {
      const address = server.address()
      return typeof address === "object" && address !== null ? address.port : 0
    })
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  }
}

/**
 * A port that was free a moment ago on 127.0.0.1.
 *
 * @since 0.1.0
 * @category constructors
 */
export const freePort = async (): Promise<number> => (await freePorts(1))[0]
