/**
 * Starts three cluster runners on 127.0.0.1 over one SQLite file, watches the
 * singleton repeater "report" tick on one of them, kills that runner
 * (SIGKILL) after a few ticks, prints who took over and how long it took,
 * then stops the others (SIGTERM) and exits.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

interface Event {
  readonly event: "ready" | "run" | "stopped"
  readonly pid: number
  readonly port: number
  readonly at: number
  readonly scheduledAt?: number
  readonly catchUp?: boolean
}

const TICKS_BEFORE_KILL = Number(process.env.TICKS_BEFORE_KILL ?? 4)
const TICKS_AFTER_TAKEOVER = Number(process.env.TICKS_AFTER_TAKEOVER ?? 4)
const runnerScript = fileURLToPath(new URL("./runner.ts", import.meta.url))

/** `count` distinct ports free a moment ago on 127.0.0.1 (held open together, so none is given twice). */
const freePorts = async (count: number): Promise<Array<number>> => {
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

const time = (millis: number) => new Date(millis).toISOString().slice(11, 23)

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), "effect-repeater-cluster-"))
  const filename = join(dir, "cluster.db")
  const children: Array<ChildProcess> = []
  const events: Array<Event> = []
  let onEvent = () => {}
  try {
    console.log(`Starting 3 runners over ${filename}`)
    for (const port of await freePorts(3)) {
      const child = spawn(process.execPath, ["--import", "tsx", runnerScript, String(port), filename], {
        stdio: ["ignore", "pipe", "inherit"]
      })
      children.push(child)
      let buffered = ""
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        buffered += chunk
        const lines = buffered.split("\n")
        buffered = lines.pop()!
        for (const line of lines) {
          if (!line.startsWith("{")) continue
          const event: Event = JSON.parse(line)
          events.push(event)
          if (event.event === "ready") console.log(`runner pid ${event.pid} listening on 127.0.0.1:${event.port}`)
          if (event.event === "run") {
            console.log(
              `  tick ${time(event.scheduledAt!)} run by pid ${event.pid}${event.catchUp ? " (catch-up)" : ""}`
            )
          }
          onEvent()
        }
      })
    }
    const until = (condition: () => boolean, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the demo timed out")), timeoutMs)
        onEvent = () => {
          if (condition()) {
            clearTimeout(timer)
            resolve()
          }
        }
        onEvent()
      })
    const runsBy = (pid: number, after = 0) =>
      events.filter((e) => e.event === "run" && e.pid === pid && e.at >= after).length

    await until(() => events.filter((e) => e.event === "run").length >= TICKS_BEFORE_KILL)
    const holder = events.filter((e) => e.event === "run").at(-1)!.pid
    const killedAt = Date.now()
    console.log(`\nKilling the holder, pid ${holder} (SIGKILL)...\n`)
    children.find((child) => child.pid === holder)!.kill("SIGKILL")

    await until(() => events.some((e) => e.event === "run" && e.pid !== holder && e.at >= killedAt))
    const first = events.find((e) => e.event === "run" && e.pid !== holder && e.at >= killedAt)!
    console.log(
      `\npid ${first.pid} took over ${((first.at - killedAt) / 1000).toFixed(1)} s after the kill` +
        (first.catchUp ? ", running the latest missed tick once" : "") + "\n"
    )
    await until(() => runsBy(first.pid, killedAt) >= TICKS_AFTER_TAKEOVER)

    const ticks = events.filter((e) => e.event === "run").map((e) => e.scheduledAt!)
    console.log(
      `\n${ticks.length} ticks run, ${ticks.length - new Set(ticks).size} run twice. Stopping the runners (SIGTERM).`
    )
  } finally {
    // a runner that has not exited 15 s after SIGTERM is killed
    const exits = children.filter((child) => child.exitCode === null && child.signalCode === null).map((child) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000)
        child.once("exit", () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill("SIGTERM")
      })
    )
    await Promise.all(exits)
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)
