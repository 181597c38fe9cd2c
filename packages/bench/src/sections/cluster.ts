/**
 * Takeover of a cluster repeater (`@effect-repeater/cluster`): three runner
 * processes on 127.0.0.1, the singleton ticking every second; its holder is
 * killed (SIGKILL) or stopped (SIGTERM), and the time until another runner
 * holds it is measured. Over SQLite (one file) and PostgreSQL (a private
 * server from Debian's `postgresql`), with the package's default timings.
 *
 * The runners are the cluster package's test fixture
 * (`packages/cluster/test/fixtures/runner.ts`): each run inserts its tick's
 * scheduled instant under a PRIMARY KEY, so a tick run twice shows up.
 *
 * @since 0.1.0
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { createServer, type Server } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Section } from "../Section.js"

const clusterPackage = fileURLToPath(new URL("../../../cluster", import.meta.url))
const fixture = join(clusterPackage, "test", "fixtures", "runner.ts")

interface Event {
  readonly event: "ready" | "holding" | "run" | "inserted" | "duplicate" | "stopping"
  readonly pid: number
  readonly at: number
  readonly scheduledAt?: number
}

interface Runner {
  readonly child: ChildProcess
  readonly events: Array<Event>
  /** The end of what it wrote to stderr, for diagnostics. */
  stderr: string
  readonly exit: Promise<void>
}

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

const freePort = async (): Promise<number> => (await freePorts(1))[0]

const startRunner = (options: Record<string, unknown>): Runner => {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, JSON.stringify(options)], {
    cwd: clusterPackage,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const events: Array<Event> = []
  let buffered = ""
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk
    const lines = buffered.split("\n")
    buffered = lines.pop()!
    for (const line of lines) if (line.startsWith("{\"event\"")) events.push(JSON.parse(line))
  })
  const runner: Runner = {
    child,
    events,
    stderr: "",
    exit: new Promise((resolve) => child.once("exit", () => resolve()))
  }
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    runner.stderr = (runner.stderr + chunk).slice(-2000)
  })
  return runner
}

const waitFor = async (
  what: string,
  runners: ReadonlyArray<Runner>,
  condition: () => boolean,
  timeoutMs = 90_000
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) {
      const stderr = runners.map((r) =>
        `pid ${r.child.pid} (exit ${r.child.exitCode ?? r.child.signalCode}): ${r.stderr}`
      )
      throw new Error(`timed out waiting for ${what}\n${stderr.join("\n")}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

interface Measurement {
  readonly takeoverMs: number
  readonly doubleRuns: number
}

/** Three fresh runners; once one of them has run 3 ticks in a row, it gets `signal`; until another holds it. */
const measure = async (storage: Record<string, string>, signal: "SIGKILL" | "SIGTERM"): Promise<Measurement> => {
  const runners: Array<Runner> = []
  try {
    // three distinct ports (held together while chosen)
    for (const port of await freePorts(3)) runners.push(startRunner({ port, ...storage }))
    await waitFor("three ready runners", runners, () => runners.every((r) => r.events.some((e) => e.event === "ready")))
    // settled: the latest three runs (after every runner joined) by the same runner
    let holder: Runner | undefined
    const allReady = Math.max(...runners.map((r) => r.events.find((e) => e.event === "ready")!.at))
    await waitFor("a settled holder", runners, () => {
      const latest = runners.flatMap((r) => r.events.filter((e) => e.event === "run")).sort((a, b) => a.at - b.at)
        .slice(-3)
      const settled = latest.length === 3 && latest.every((e) => e.pid === latest[0].pid && e.at > allReady + 1000)
      holder = settled ? runners.find((r) => r.child.pid === latest[0].pid) : undefined
      return holder !== undefined
    })
    const signalledAt = Date.now()
    holder!.child.kill(signal)
    let takeoverAt = 0
    await waitFor("a takeover", runners, () => {
      for (const runner of runners) {
        if (runner === holder) continue
        const holding = runner.events.find((e) => e.event === "holding" && e.at >= signalledAt)
        if (holding !== undefined) takeoverAt = holding.at
      }
      return takeoverAt > 0
    })
    // two more ticks, to see double runs if there were any
    await waitFor(
      "ticks after the takeover",
      runners,
      () =>
        runners.some((r) => r !== holder && r.events.filter((e) => e.event === "run" && e.at > takeoverAt).length >= 2)
    )
    const ticks = runners.flatMap((r) => r.events.filter((e) => e.event === "run").map((e) => e.scheduledAt!))
    const duplicates = runners.flatMap((r) => r.events.filter((e) => e.event === "duplicate")).length
    return {
      takeoverMs: takeoverAt - signalledAt,
      doubleRuns: Math.max(duplicates, ticks.length - new Set(ticks).size)
    }
  } finally {
    for (const runner of runners) {
      if (runner.child.exitCode === null && runner.child.signalCode === null) runner.child.kill("SIGKILL")
    }
    await Promise.all(runners.map((r) => r.exit))
  }
}

interface Postgres {
  readonly url: (database: string) => string
  readonly createDatabase: (database: string) => void
  readonly stop: () => void
}

const startPostgres = async (): Promise<Postgres> => {
  const root = "/usr/lib/postgresql"
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : []
  if (versions.length === 0) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql")
  const bin = join(root, versions.sort((a, b) => Number(b) - Number(a))[0], "bin")
  const asRoot = process.getuid?.() === 0
  const run = (command: string, args: ReadonlyArray<string>) =>
    asRoot ?
      execFileSync("runuser", ["-u", "postgres", "--", join(bin, command), ...args], { stdio: "pipe" }) :
      execFileSync(join(bin, command), args, { stdio: "pipe" })
  const dir = mkdtempSync(join(tmpdir(), "bench-pg-"))
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim())
    chownSync(dir, id("-u"), id("-g"))
  }
  const data = join(dir, "data")
  const port = await freePort()
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"])
  run("pg_ctl", [
    "-D",
    data,
    "-l",
    join(dir, "server.log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    "start"
  ])
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    createDatabase: (database) => run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", database]),
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

const format = (values: ReadonlyArray<number>): string => {
  const sorted = [...values].sort((a, b) => a - b)
  const median = sorted.length % 2 === 1 ?
    sorted[(sorted.length - 1) / 2] :
    (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2
  const s = (ms: number) => (ms / 1000).toFixed(2)
  return `${s(median)} [${s(sorted[0])}–${s(sorted[sorted.length - 1])}]`
}

/**
 * @since 0.1.0
 * @category sections
 */
export const cluster: Section = {
  id: "cluster",
  title: "Cluster takeover (@effect-repeater/cluster)",
  run: async ({ log, smoke }) => {
    // two repeats per case: a measurement takes 10 to 15 s (three fresh runners, a settled holder, the takeover and
    // two more ticks), and the eight of them fit the benchmark's 10 minutes with the core sections
    const repeats = smoke ? 1 : 2
    const cases: Array<{ storage: "SQLite" | "PostgreSQL"; signal: "SIGKILL" | "SIGTERM" }> = smoke ?
      [{ storage: "SQLite", signal: "SIGKILL" }] :
      [
        { storage: "SQLite", signal: "SIGKILL" },
        { storage: "SQLite", signal: "SIGTERM" },
        { storage: "PostgreSQL", signal: "SIGKILL" },
        { storage: "PostgreSQL", signal: "SIGTERM" }
      ]
    const dir = mkdtempSync(join(tmpdir(), "bench-cluster-"))
    let postgres: Postgres | undefined
    const rows: Array<string> = []
    let n = 0
    try {
      for (const { signal, storage } of cases) {
        if (storage === "PostgreSQL" && postgres === undefined) postgres = await startPostgres()
        const results: Array<Measurement> = []
        for (let i = 0; i < repeats; i++) {
          const name = `takeover${++n}`
          let options: Record<string, string>
          if (storage === "PostgreSQL") {
            postgres!.createDatabase(name)
            options = { pg: postgres!.url(name) }
          } else {
            options = { sqlite: join(dir, `${name}.db`) }
          }
          // one more try after a failed start (a port taken in between, a machine too loaded): logged, not hidden
          const result = await measure(options, signal).catch((error) => {
            log(`${storage} ${signal}: measurement failed, trying once more: ${String(error)}`)
            if (storage === "PostgreSQL") postgres!.createDatabase(`${name}b`)
            return measure(
              storage === "PostgreSQL" ? { pg: postgres!.url(`${name}b`) } : { sqlite: join(dir, `${name}b.db`) },
              signal
            )
          })
          log(`${storage} ${signal}: takeover in ${result.takeoverMs} ms, double runs ${result.doubleRuns}`)
          results.push(result)
        }
        const doubleRuns = results.reduce((sum, r) => sum + r.doubleRuns, 0)
        rows.push(
          `| ${storage} | ${signal} | ${format(results.map((r) => r.takeoverMs))} | ${doubleRuns} | ${results.length} |`
        )
      }
    } finally {
      postgres?.stop()
      rmSync(dir, { recursive: true, force: true })
    }
    return [
      "Three runner processes on 127.0.0.1 (`packages/cluster/test/fixtures/runner.ts`), one cluster repeater ticking every",
      "second in rate mode with `missed: \"runOnce\"`, the default timings of `ClusterRunner.layer` (lock refresh 1 s, lock",
      "expiry 3 s, assignment refresh 500 ms, health check 2 s, message poll 1 s). Takeover = from the signal to the holder",
      "to the moment another runner holds the singleton (its log line). Double runs = ticks run twice (a PRIMARY KEY",
      "insert failed, or the same scheduled instant reported twice). Fresh processes and a fresh database per repeat;",
      `${repeats} repeats per case (a repeat takes 10 to 15 s; two per case keep the whole benchmark within 10 minutes).`,
      "",
      "| storage | signal | takeover s, median [min–max] | double runs | repeats |",
      "|---|---|---|---|---|",
      ...rows,
      ""
    ].join("\n")
  }
}
