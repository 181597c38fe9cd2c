// The packages the Effect 4 line publishes: every member of effect4/pnpm-workspace.yaml that is not private. Those
// under effect4/ are the Effect 4 packages (1.x, effect 4 as a peer); those outside it (the kernel, and any other
// package both lines share) are shared with the Effect 3 line and published once for both.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"

/** The `packages:` patterns of a pnpm-workspace.yaml (a list of `- pattern` lines, quoted or not). */
export const workspacePatterns = (yaml) => {
  const patterns = []
  let inPackages = false
  for (const line of yaml.split("\n")) {
    const text = line.replace(/(^|\s)#.*$/, "").trimEnd()
    if (text === "") continue
    if (/^\S/.test(text)) {
      inPackages = /^packages\s*:\s*$/.test(text)
      continue
    }
    const item = /^\s*-\s*(["']?)(.+?)\1\s*$/.exec(text)
    if (inPackages && item !== null) patterns.push(item[2])
  }
  return patterns
}

/** The folders a pattern names: `dir/*` is every folder of `dir` that holds a package.json; anything else itself. */
const expand = (workspace, pattern) => {
  if (pattern.startsWith("!")) return []
  if (pattern.endsWith("/*")) {
    const parent = resolve(workspace, pattern.slice(0, -2))
    if (!existsSync(parent)) return []
    return readdirSync(parent, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(parent, entry.name))
  }
  if (pattern.includes("*")) throw new Error(`pnpm-workspace.yaml: the pattern ${pattern} is not supported here`)
  return [resolve(workspace, pattern)]
}

/**
 * The public packages of the workspace at `workspace` (effect4/): `[{ name, version, dir, line, manifest }]`, `line`
 * being "effect4" for a package under `workspace` and "shared" for one outside it; sorted by name.
 */
export const publicPackages = (workspace) => {
  const patterns = workspacePatterns(readFileSync(join(workspace, "pnpm-workspace.yaml"), "utf8"))
  const found = new Map()
  for (const dir of patterns.flatMap((pattern) => expand(workspace, pattern))) {
    const manifestPath = join(dir, "package.json")
    if (!existsSync(manifestPath)) continue
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"))
    if (manifest.private === true) continue
    const inside = !relative(workspace, dir).startsWith("..")
    found.set(dir, {
      name: manifest.name,
      version: manifest.version,
      dir,
      line: inside ? "effect4" : "shared",
      manifest
    })
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
}
