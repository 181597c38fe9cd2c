// The packages the documentation's examples import beyond what the Install section names (an OpenTelemetry
// exporter, @effect/vitest...), at the ranges the workspace itself uses for them.
import { readdir, readFile } from "node:fs/promises"
import { isBuiltin } from "node:module"
import path from "node:path"
import { CheckError } from "./run.mjs"

const specifierPattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"'./][^"']*)["']/g

const packageName = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/")

/** The name an npm install argument installs (`effect@^3` → `effect`); tarballs are named by `packed`. */
const argumentName = (arg, packed) => packed.find((p) => p.tarball === arg)?.name ?? arg.replace(/^(@?[^@]+)@.*$/, "$1")

/** Every dependency range of the workspace's manifests (root, packages/*, examples/*), `workspace:` ones excepted. */
const workspaceRanges = async (repoRoot) => {
  const manifests = [path.join(repoRoot, "package.json")]
  for (const group of ["packages", "examples"]) {
    const entries = await readdir(path.join(repoRoot, group), { withFileTypes: true }).catch(() => [])
    for (const entry of entries) {
      if (entry.isDirectory()) manifests.push(path.join(repoRoot, group, entry.name, "package.json"))
    }
  }
  const ranges = new Map()
  for (const file of manifests.sort()) {
    const manifest = await readFile(file, "utf8").then(JSON.parse, () => ({}))
    for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (!ranges.has(name) && !String(range).startsWith("workspace:")) ranges.set(name, range)
      }
    }
  }
  return ranges
}

/** `name@range` for each package the examples import that `installArgs` does not name. */
export const exampleDependencies = async (repoRoot, examples, installArgs, packed) => {
  const named = new Set(installArgs.map((arg) => argumentName(arg, packed)))
  const wanted = new Map()
  for (const { file, source, line } of examples) {
    for (const [, specifier] of (await readFile(file, "utf8")).matchAll(specifierPattern)) {
      const name = packageName(specifier)
      if (!isBuiltin(specifier) && !named.has(name) && !wanted.has(name)) wanted.set(name, `${source}:${line}`)
    }
  }
  const ranges = await workspaceRanges(repoRoot)
  const missing = [...wanted].filter(([name]) => !ranges.has(name))
  if (missing.length > 0) {
    const list = missing.map(([name, where]) => `${name} (${where})`).join(", ")
    throw new CheckError("examples", `examples import packages no workspace package.json names: ${list}`)
  }
  return [...wanted.keys()].sort().map((name) => `${name}@${ranges.get(name)}`)
}
