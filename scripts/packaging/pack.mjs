// Builds and packs every public package of the workspace, and writes the tarballs' report.
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises"
import path from "node:path"
import { CheckError, pnpm } from "./run.mjs"
import { listTarball } from "./tarball.mjs"

/** Workspace packages under packages/ that are not private: `[{ name, version, dir }]`, sorted by name. */
export const publicPackages = async (repoRoot) => {
  const packagesDir = path.join(repoRoot, "packages")
  const found = []
  for (const entry of await readdir(packagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const dir = path.join(packagesDir, entry.name)
    let manifest
    try {
      manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8"))
    } catch {
      continue
    }
    if (manifest.private !== true) found.push({ name: manifest.name, version: manifest.version, dir })
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : 1))
}

/** `pnpm build` at the root (all public packages emit dist/). */
export const build = (repoRoot) => pnpm("build", ["build"], { cwd: repoRoot, timeoutMs: 5 * 60_000 })

/** Packs each package into `destination` (emptied first); returns `[{ name, tarball, bytes, files }]`. */
export const packAll = async (repoRoot, packages, destination) => {
  await rm(destination, { recursive: true, force: true })
  await mkdir(destination, { recursive: true })
  const packed = []
  for (const pkg of packages) {
    const args = ["--filter", pkg.name, "pack", "--pack-destination", destination]
    await pnpm("pack", args, { cwd: repoRoot, timeoutMs: 2 * 60_000, pkg: pkg.name })
    const expected = `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`
    const tarball = path.join(destination, expected)
    const bytes = await stat(tarball).then((s) => s.size, () => undefined)
    if (bytes === undefined) {
      throw new CheckError("pack", `pnpm pack did not write ${tarball}`, { pkg: pkg.name })
    }
    packed.push({ name: pkg.name, tarball, bytes, files: await listTarball(tarball) })
  }
  return packed
}

const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`

/** One line per tarball: size, unpacked size, file count. */
export const summaryLine = ({ name, tarball, bytes, files }) =>
  `${name}: ${path.basename(tarball)}, ${kB(bytes)} packed, ${
    kB(files.reduce((sum, f) => sum + f.size, 0))
  } unpacked, ${files.length} files`

/** Writes `report.md`: each tarball's size and its file list. */
export const writeReport = (reportPath, packed) => {
  const sections = packed.map((p) =>
    [
      `## ${p.name}`,
      "",
      summaryLine(p),
      "",
      "| file | bytes |",
      "|---|---:|",
      ...p.files.map((f) => `| ${f.path} | ${f.size} |`),
      ""
    ].join("\n")
  )
  return writeFile(reportPath, ["# Tarballs", "", ...sections].join("\n"))
}
