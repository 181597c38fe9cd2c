/**
 * The machine and the versions that `docs/benchmarks.md` reports.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import * as v8 from "node:v8"
import { packageDir } from "./child.js"
import { formatNumber } from "./stats.js"

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"))

const versionOf = (file: string): string => {
  const json = readJson(file)
  return typeof json === "object" && json !== null && "version" in json && typeof json.version === "string" ?
    json.version :
    "?"
}

const nameOf = (file: string): string | undefined => {
  const json = readJson(file)
  return typeof json === "object" && json !== null && "name" in json && typeof json.name === "string" ?
    json.name :
    undefined
}

/** The installed version of a dependency of the bench package. */
const installedVersion = (name: string): string => {
  const require = createRequire(path.join(packageDir, "package.json"))
  // resolve the entry point, then walk up to the package's own package.json
  let dir = path.dirname(require.resolve(name))
  while (dir !== path.dirname(dir)) {
    const file = path.join(dir, "package.json")
    if (existsSync(file) && nameOf(file) === name) return versionOf(file)
    dir = path.dirname(dir)
  }
  return "?"
}

const osName = (): string => {
  try {
    const release = readFileSync("/etc/os-release", "utf8").match(/^PRETTY_NAME="?([^"\n]*)"?$/m)
    if (release?.[1] !== undefined) return `${release[1]}, ${os.type()} ${os.release()}`
  } catch {
    // not Linux
  }
  return `${os.type()} ${os.release()}`
}

const gitCommit = (): string | undefined => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: packageDir, encoding: "utf8" }).trim()
  } catch {
    return undefined
  }
}

/** The workspace's own packages with their versions. */
const workspacePackages = (): Array<string> => {
  const root = path.resolve(packageDir, "..", "..")
  const out: Array<string> = []
  for (const group of ["packages", "examples"]) {
    const dir = path.join(root, group)
    if (!existsSync(dir)) continue
    for (const entry of readdirSync(dir).sort()) {
      const file = path.join(dir, entry, "package.json")
      if (!existsSync(file)) continue
      const name = nameOf(file)
      if (name !== undefined && group === "packages") out.push(`${name} ${versionOf(file)}`)
    }
  }
  return out
}

/** Markdown lines about the machine and the versions, as of now. */
export const describeEnvironment = (): string => {
  const cpus = os.cpus()
  const commit = gitCommit()
  return [
    `- Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${
      formatNumber(os.totalmem() / 2 ** 30)
    } GiB of memory`,
    `- Node ${process.version} (${osName()}); default heap limit ${
      Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20)
    } MiB`,
    `- effect ${installedVersion("effect")}, toad-scheduler ${installedVersion("toad-scheduler")}, croner ${
      installedVersion("croner")
    }, esbuild ${installedVersion("esbuild")}`,
    `- This repository: ${workspacePackages().join(", ")}${commit === undefined ? "" : ` at commit ${commit}`}`
  ].join("\n")
}
