// Lints each tarball's metadata with publint and @arethetypeswrong/cli, both from the consumer project.
import { readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { CheckError, run } from "./run.mjs"

const importFrom = (dir, specifier) =>
  import(pathToFileURL(createRequire(path.join(dir, "package.json")).resolve(specifier)).href)

/** publint in strict mode (warnings are errors) on the exact tarball: the published files, nothing else. */
export const publint = async (dir, { name, tarball }) => {
  const { publint: lint } = await importFrom(dir, "publint")
  const { formatMessage } = await importFrom(dir, "publint/utils")
  const data = await readFile(tarball)
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)
  const { messages, pkg } = await lint({ pack: { tarball: buffer }, strict: true, level: "suggestion" })
  const lines = messages.map((m) => `  ${m.type}: ${formatMessage(m, pkg, { color: false }) ?? m.code}`)
  if (messages.some((m) => m.type === "error")) {
    throw new CheckError("publint", `${messages.filter((m) => m.type === "error").length} publint errors`, {
      pkg: name,
      output: lines.join("\n")
    })
  }
  return lines
}

/**
 * attw on the tarball with the `esm-only` profile: the packages are ES modules only (`"type": "module"`, no
 * `require` condition), so `require()` from CommonJS and the `node10` resolution (which ignores `exports`) are not
 * supported by design; every ESM resolution (node16-esm, bundler) must find the right types.
 */
export const attw = (dir, { name, tarball }) =>
  run("attw", path.join(dir, "node_modules", ".bin", "attw"), [
    tarball,
    "--profile",
    "esm-only",
    "--format",
    "ascii",
    "--no-color"
  ], { cwd: dir, timeoutMs: 2 * 60_000, pkg: name }).then((output) => {
    // attw exits 0 for a package without any types: for these packages that is an error too
    if (output.includes("does not contain types")) {
      throw new CheckError("attw", "the tarball holds no type declarations", { pkg: name, output })
    }
    return `no problems in ${output.split("\n").filter((line) => line.startsWith("\"")).length} entry points`
  })
