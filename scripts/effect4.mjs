#!/usr/bin/env node
// The check of the Effect 4 line (effect4/): with Node 22 first on PATH (scripts/node22.mjs installs it from the npm
// registry when this Node is older), its own install (frozen lockfile) and its check: typecheck, tests, the twin
// check of the two lines' tests (every package and example, every case of a table), and the packing check.
//
//   node scripts/effect4.mjs [pnpm script of effect4/, default "check"]
//   node scripts/effect4.mjs demo   the token-cleanup demo on Effect 4 (effect4/examples/token-cleanup), run by this
//                                   Node 22 itself, not through pnpm: Ctrl-C reaches the server, which shuts down
//                                   gracefully, and this script exits with the server's code, without pnpm's noise
import { execFileSync, spawn } from "node:child_process"
import os from "node:os"
import { delimiter, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const workspace = join(root, "effect4")
const started = Date.now()
const node = execFileSync(process.execPath, [join(root, "scripts", "node22.mjs")], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"]
}).trim()
const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ""}` }
// pnpm's own settings of the Effect 3 workspace, passed down to scripts, must not leak into the other workspace
for (const key of Object.keys(env)) if (key.startsWith("npm_") || key.startsWith("PNPM_")) delete env[key]
const pnpm = (...args) => execFileSync("npx", ["-y", "pnpm@10", ...args], { cwd: workspace, env, stdio: "inherit" })

console.log(`Effect 4 line: Node ${execFileSync(node, ["--version"], { encoding: "utf8" }).trim()} (${node})`)
pnpm("install", "--frozen-lockfile", "--filter", ".", "--filter", "./packages/**", "--filter", "./examples/**")
const script = process.argv[2] ?? "check"
if (script === "demo") {
  const demo = spawn(node, ["--disable-warning=ExperimentalWarning", "--import", "tsx", "src/main.ts"], {
    cwd: join(workspace, "examples", "token-cleanup"),
    env,
    stdio: "inherit",
    // a process group of its own: each signal this script gets (Ctrl-C signals the whole foreground group) reaches
    // the server once, through this script, so that a second Ctrl-C is the server's second signal, not its third
    detached: true
  })
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => demo.kill(signal))
  demo.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + os.constants.signals[signal])))
} else {
  pnpm("run", script)
  console.log(`Effect 4 line: checked in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
