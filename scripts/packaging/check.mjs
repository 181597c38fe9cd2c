// The packaging check: build and pack every public package, install the tarballs with plain npm into a fresh
// project outside the workspace with the peers the README's Install section names, then run a Repeater from plain
// node, type-check (strictest options, skipLibCheck off) and run a TypeScript consumer of every public module and
// the documentation's examples, and lint each tarball with publint and attw.
//
//   node scripts/packaging/check.mjs [--readme <file>] [--keep]
//
// --readme reads the Install section from another markdown file; --keep keeps the temporary project.
import { rm } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { createProject, install, verifyResolution } from "./consumer.mjs"
import { exampleDependencies } from "./example-deps.mjs"
import { installArguments, installLines } from "./install-section.mjs"
import { attw, publint } from "./lint-metadata.mjs"
import { build, packAll, publicPackages, summaryLine, writeReport } from "./pack.mjs"
import { CheckError, killRunning } from "./run.mjs"
import { smoke } from "./smoke.mjs"
import { typecheckAndRun, writeDocExamples } from "./typecheck.mjs"

const repoRoot = path.resolve(fileURLToPath(import.meta.url), "..", "..", "..")
const { values: flags } = parseArgs({
  options: { readme: { type: "string" }, keep: { type: "boolean", default: false } }
})
const readme = path.resolve(flags.readme ?? path.join(repoRoot, "README.md"))
const outDir = path.join(repoRoot, "build", "packaging")
const started = Date.now()
const failures = []
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`

/** Runs one step; a failure is recorded (and shown) and, when `fatal`, ends the check. */
const step = async (title, fn, { fatal = false } = {}) => {
  const t0 = Date.now()
  console.log(`\n▶ ${title}`)
  try {
    const result = await fn()
    console.log(`✓ ${title} (${seconds(t0)})`)
    return result
  } catch (error) {
    const failure = error instanceof CheckError ? error : new CheckError(title, error?.stack ?? String(error))
    failures.push(failure)
    console.log(`✗ ${title} (${seconds(t0)}): ${failure.message}`)
    if (failure.output) console.log(failure.output.trimEnd())
    if (fatal) throw failure
    return undefined
  }
}

let project
const finish = async () => {
  console.log(`\npackaging check: ${failures.length === 0 ? "passed" : "FAILED"} in ${seconds(started)}`)
  for (const f of failures) console.log(`  ✗ step "${f.step}"${f.pkg ? `, package ${f.pkg}` : ""}: ${f.message}`)
  if (project !== undefined) {
    if (failures.length === 0 && !flags.keep) await rm(project, { recursive: true, force: true })
    else console.log(`  the consumer project is kept at ${project}`)
  }
  process.exitCode = failures.length === 0 ? 0 : 1
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    killRunning()
    console.log(`\npackaging check: interrupted${project ? `; the consumer project is at ${project}` : ""}`)
    process.exit(1)
  })
}

try {
  const commands = await step("read the README's Install section", () => installLines(readme), { fatal: true })
  const packages = await publicPackages(repoRoot)
  console.log(`  public packages: ${packages.map((p) => p.name).join(", ")}`)
  await step("pnpm build", () => build(repoRoot), { fatal: true })
  const packed = await step("pnpm pack", async () => {
    const result = await packAll(repoRoot, packages, path.join(outDir, "tarballs"))
    await writeReport(path.join(outDir, "report.md"), result)
    for (const p of result) console.log(`  ${summaryLine(p)}`)
    console.log(`  file lists: ${path.relative(repoRoot, path.join(outDir, "report.md"))}`)
    return result
  }, { fatal: true })
  const args = await step("resolve the Install section", () => installArguments(commands, packed), { fatal: true })
  project = await createProject()
  console.log(`\n  consumer project: ${project}`)
  const examples = await step("extract the documentation's examples", async () => {
    const written = await writeDocExamples(repoRoot, project)
    if (written === undefined) console.log("  no scripts/packaging/examples.mjs: no examples to check")
    return written
  }, { fatal: true })
  const extra = examples === undefined ? [] : await step("the examples' own dependencies", async () => {
    const deps = await exampleDependencies(repoRoot, examples, args, packed)
    console.log(`  ${deps.length === 0 ? "none" : deps.join(" ")}`)
    return deps
  }, { fatal: true })
  await step("npm install", async () => {
    await install(project, [...args, ...extra])
    await verifyResolution(project, packed)
  }, { fatal: true })
  await step("smoke: a Repeater from plain node", async () => console.log(`  ${await smoke(project)}`))
  await step("tsc consumer and examples, then run", async () => {
    const { modules, output } = await typecheckAndRun(project, packed, examples)
    console.log(`  ${modules.length} modules: ${modules.join(", ")}; ${examples?.length ?? 0} examples`)
    console.log(`  ${output.replace(/\n/g, "\n  ")}`)
  })
  for (const p of packed) {
    await step(`publint ${p.name}`, async () => {
      const lines = await publint(project, p)
      if (lines.length > 0) console.log(lines.join("\n"))
    })
    await step(`attw ${p.name}`, async () => console.log(await attw(project, p)))
  }
} catch (error) {
  // a fatal step failed (already recorded), or the check itself broke
  if (!failures.includes(error)) failures.push(new CheckError("packaging check", error?.stack ?? String(error)))
}
await finish()
