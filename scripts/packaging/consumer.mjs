// A fresh npm project outside the workspace with the tarballs and the README's peers installed.
import { mkdtemp, readFile, writeFile } from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { CheckError, run } from "./run.mjs"

/**
 * Tools of the check itself, installed next to what the README names. `@types/ws`: @effect/platform-node-shared's
 * NodeSocketServer.d.ts does `import * as WS from "ws"` but depends on `ws` only, not on its types, so any program
 * importing `@effect/platform-node` (as the documentation's examples do) fails TS7016 under skipLibCheck false
 * without them.
 */
export const checkTools = [
  "typescript@~5.9.3",
  "@types/node@^20",
  "@types/ws@^8",
  "publint@~0.3.25",
  "@arethetypeswrong/cli@~0.18.5"
]

/** Creates the temporary project: a package.json like `npm init -y` makes, with `"type": "module"`. */
export const createProject = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "effect-repeater-consumer-"))
  const manifest = { name: "effect-repeater-consumer", version: "1.0.0", private: true, type: "module" }
  await writeFile(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n")
  return dir
}

/** One plain `npm install` of everything (better-sqlite3 may compile from source: minutes). */
export const install = async (dir, args) => {
  const npmArgs = ["install", "--no-audit", "--no-fund", "--loglevel=error", ...args, ...checkTools]
  console.log(`  npm ${npmArgs.join(" ")}`)
  await run("npm install", "npm", npmArgs, { cwd: dir, timeoutMs: 15 * 60_000 })
}

/**
 * Every `@effect-repeater/*` package in the installed tree must come from a tarball of this run: a copy from the
 * registry (or a second copy) would mean a dependency range the tarballs do not satisfy.
 */
export const verifyResolution = async (dir, packed) => {
  const lock = JSON.parse(await readFile(path.join(dir, "package-lock.json"), "utf8"))
  const problems = []
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    const name = /(?:^|\/)node_modules\/(@effect-repeater\/[^/]+)$/.exec(key)?.[1]
    if (name === undefined) continue
    if (key !== `node_modules/${name}`) {
      problems.push(`a second copy of ${name} at ${key} (${entry.version}, ${entry.resolved ?? "no source"})`)
    } else if (!String(entry.resolved).startsWith("file:")) {
      problems.push(`${name} was installed from ${entry.resolved}, not from its tarball`)
    }
  }
  for (const { name } of packed) {
    if (!(`node_modules/${name}` in (lock.packages ?? {}))) problems.push(`${name} is not installed`)
  }
  if (problems.length > 0) throw new CheckError("npm install", problems.join("; "))
}
