/**
 * A private PostgreSQL server: initdb + pg_ctl from Debian's `postgresql`
 * package, in a temporary directory, on 127.0.0.1 and a free port, without
 * durability (fsync off). PostgreSQL refuses to run as root: as root it runs
 * as the `postgres` user.
 *
 * @since 0.1.0
 */
import { execFileSync } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort } from "./Ports.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Postgres {
  readonly port: number
  /** The URL of a database of the server (`postgres` unless named). */
  readonly url: (database?: string) => string
  /** Creates an empty database. */
  readonly createDatabase: (database: string) => void
  /** Stops the server at once and removes its files. */
  readonly stop: () => void
  /** Stops the server at once (`pg_ctl stop -m immediate`), keeping its files: `startAgain` starts it again. */
  readonly shutDown: () => void
  /** Starts a server stopped by `shutDown` again, on the same port, and waits until it accepts connections. */
  readonly startAgain: () => void
}

const binDir = (): string => {
  const root = "/usr/lib/postgresql"
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : []
  if (versions.length === 0) {
    throw new Error(
      "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb): apt-get install -y postgresql"
    )
  }
  versions.sort((a, b) => Number(b) - Number(a))
  return join(root, versions[0], "bin")
}

/**
 * Starts a fresh server and waits until it accepts connections (60 s at
 * most). The caller stops it (`stop`) in a `finally`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const startPostgres = async (): Promise<Postgres> => {
  const bin = binDir()
  const asRoot = process.getuid?.() === 0
  const run = (command: string, args: ReadonlyArray<string>) =>
    asRoot ?
      execFileSync("runuser", ["-u", "postgres", "--", join(bin, command), ...args], { stdio: "pipe" }) :
      execFileSync(join(bin, command), args, { stdio: "pipe" })
  const dir = mkdtempSync(join(tmpdir(), "testkit-pg-"))
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim())
    chownSync(dir, id("-u"), id("-g"))
  }
  const data = join(dir, "data")
  const port = await freePort()
  const start = () =>
    run("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-t",
      "60",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=100`,
      "start"
    ])
  try {
    run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"])
    start()
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    port,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    createDatabase: (database) => {
      run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", database])
    },
    shutDown: () => {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
    },
    startAgain: start,
    stop: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
