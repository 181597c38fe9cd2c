#!/usr/bin/env node
// Prints the path of a Node 22 binary (>= 22.19, what @effect/platform-node 4.1 and vitest 5 need) for the
// Effect 4 line: this Node when it is recent enough, else the `node` package of the npm registry, installed
// once into build/node22/ (npm install node@22).
//
//   node scripts/node22.mjs          prints the binary's path
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const MINIMUM = [22, 19, 0]
const SPEC = "node@^22.19.0"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const cache = join(root, "build", "node22")
const cached = join(cache, "node_modules", "node", "bin", "node")

const parse = (version) => version.replace(/^v/, "").split(".").map(Number)
const recentEnough = (version) => {
  const [major, minor, patch] = parse(version)
  if (major !== MINIMUM[0]) return major > MINIMUM[0]
  return minor > MINIMUM[1] || (minor === MINIMUM[1] && patch >= MINIMUM[2])
}
const versionOf = (binary) => execFileSync(binary, ["--version"], { encoding: "utf8" }).trim()

const find = () => {
  if (recentEnough(process.version)) return process.execPath
  if (existsSync(cached) && recentEnough(versionOf(cached))) return cached
  process.stderr.write(`Node ${process.version} is older than ${MINIMUM.join(".")}: installing ${SPEC} into ${cache}\n`)
  execFileSync(
    "npm",
    ["install", "--prefix", cache, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", SPEC],
    // (npm's report goes to stderr: this script's stdout is the path alone)
    { stdio: ["ignore", 2, "inherit"] }
  )
  if (!existsSync(cached)) throw new Error(`npm install ${SPEC} did not leave a binary at ${cached}`)
  const version = versionOf(cached)
  if (!recentEnough(version)) throw new Error(`${cached} is ${version}, older than ${MINIMUM.join(".")}`)
  return cached
}

process.stdout.write(`${find()}\n`)
