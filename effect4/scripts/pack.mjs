// The packing check of the Effect 4 line: build, then pack with pnpm every public package of this workspace (every
// non-private member of pnpm-workspace.yaml: the Effect 4 packages of packages/*, and the packages shared with the
// Effect 3 line, such as the kernel); check what each tarball's package.json says (scripts/pack/manifest.mjs: 1.x for
// the Effect 4 packages, workspace links packed as version ranges, effect ^4.1.5 as a peer, exports to dist/ with
// types, internals sealed); then install every tarball together with plain npm into a fresh project outside the
// repository, with effect 4 and the peers the packages name, and there:
//   - every @effect-repeater package comes from its tarball (no registry copy, no second copy);
//   - a repeater runs from plain node (and a cluster runner's settings are read, when the cluster is packed);
//   - every public entry point of every package is imported by node;
//   - tsc (the strictest options, skipLibCheck off) compiles a module importing every public entry point, and the
//     TypeScript examples of effect4/README.md, of the packages' README.md and of the JSDoc of their public modules;
//   - publint and attw lint each tarball.
// The same steps as the Effect 3 line's packaging check (scripts/packaging/check.mjs), whose helpers it reuses; it
// does not read the root README's Install section (the Effect 4 line is installed by the packages' own peers).
//
//   node scripts/pack.mjs [--keep]       with Node 22 first on PATH (node ../scripts/effect4.mjs check:pack)
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { verifyResolution } from "../../scripts/packaging/consumer.mjs"
import { exampleDependencies } from "../../scripts/packaging/example-deps.mjs"
import { writeExamplesOf } from "../../scripts/packaging/examples.mjs"
import { attw, publint } from "../../scripts/packaging/lint-metadata.mjs"
import { listTarball } from "../../scripts/packaging/tarball.mjs"
import { exportedSpecifiers } from "../../scripts/packaging/typecheck.mjs"
import { manifestProblems } from "./pack/manifest.mjs"
import { publicPackages } from "./pack/packages.mjs"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..")
const root = join(effect4, "..")
const keep = process.argv.includes("--keep")
const started = Date.now()
const work = mkdtempSync(join(tmpdir(), "effect-repeater-effect4-pack-"))
const tarballs = join(work, "tarballs")
const project = join(work, "consumer")
mkdirSync(tarballs)
mkdirSync(project)
// (without the settings pnpm hands its scripts, which npm does not know)
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("npm_config_")))
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 2 ** 26 })
const problems = []
const step = async (title, fn) => {
  const t0 = Date.now()
  try {
    const result = await fn()
    console.log(`✓ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)${result ? `: ${result}` : ""}`)
  } catch (error) {
    const output = [error?.stdout, error?.stderr, error?.output].filter((o) => typeof o === "string" && o.trim())
    problems.push(`${title}: ${error?.message ?? String(error)}${output.length > 0 ? `\n${output.join("\n")}` : ""}`)
    console.log(`✗ ${title}`)
  }
}

const packages = publicPackages(effect4)
console.log(`packages: ${packages.map((p) => `${p.name} ${p.version} (${p.line})`).join(", ")}`)

// build: the Effect 4 packages by effect4/tsconfig.build.json (which references the kernel), then each shared
// package by its own tsconfig.build.json (up to date already when referenced)
const tsc = join(effect4, "node_modules", ".bin", "tsc")
run(tsc, ["-b", "tsconfig.build.json"], effect4)
for (const p of packages.filter((p) => p.line === "shared" && existsSync(join(p.dir, "tsconfig.build.json")))) {
  run(tsc, ["-b", join(p.dir, "tsconfig.build.json")], effect4)
}
// then each Effect 4 package's own build script, which may do more than tsc (node copies its worker bootstrap)
for (const p of packages.filter((p) => p.line === "effect4")) {
  const manifest = JSON.parse(readFileSync(join(p.dir, "package.json"), "utf8"))
  if (manifest.scripts?.build !== undefined) run("npx", ["-y", "pnpm@10", "run", "build"], p.dir)
}

// pack and check each manifest
const packed = []
for (const p of packages) {
  run("npx", ["-y", "pnpm@10", "pack", "--pack-destination", tarballs], p.dir)
  const tarball = join(tarballs, `${p.name.replace(/^@/, "").replace("/", "-")}-${p.version}.tgz`)
  if (!existsSync(tarball)) throw new Error(`pnpm pack did not write ${tarball}`)
  const manifest = JSON.parse(run("tar", ["-xzOf", tarball, "package/package.json"], work))
  const files = (await listTarball(tarball)).map((f) => f.path)
  packed.push({ ...p, tarball, manifest, files })
}
// files a package loads at run time by URL, which no export names
const loadedByUrl = { "@effect-repeater/node": ["dist/internal/typescriptWorker.mjs"] }
for (const p of packed) {
  for (const file of loadedByUrl[p.name] ?? []) {
    if (!p.files.includes(file)) problems.push(`${p.name}: the tarball lacks ${file}, which it loads at run time`)
  }
}
const versions = new Map(packed.map((p) => [p.name, p.version]))
for (const p of packed) {
  const found = manifestProblems({ ...p, directory: relative(root, p.dir) }, p.manifest, p.files, versions)
  problems.push(...found)
  console.log(`${found.length === 0 ? "✓" : "✗"} ${p.name} ${p.version}: ${p.files.length} files`)
}
if (problems.length > 0) finish()

// the documentation's examples, and what they import beyond the packages
const examples = writeExamplesOf(root, join(project, "examples"), {
  markdown: [
    "effect4/README.md",
    ...packed.map((p) => `${relative(root, p.dir)}/README.md`).filter((file) => existsSync(join(root, file)))
  ],
  modules: packed.filter((p) => p.line === "effect4").flatMap((p) =>
    readdirSync(join(p.dir, "src"), { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
      .map((entry) => `${relative(root, p.dir)}/src/${entry.name}`)
  )
})
const written = await examples

// one npm install of every tarball, effect 4, the peers the packages name, the examples' imports and the tools
const peers = new Map([["effect", "~4.1.5"]])
for (const p of packed) {
  for (const [name, range] of Object.entries(p.manifest.peerDependencies ?? {})) {
    if (!versions.has(name) && !peers.has(name)) peers.set(name, range)
  }
}
const installArgs = [...packed.map((p) => p.tarball), ...[...peers].map(([name, range]) => `${name}@${range}`)]
const extra = await exampleDependencies(effect4, written, installArgs, packed)
const tools = ["typescript@~5.9.3", "@types/node@^22.19.0", "publint@~0.3.25", "@arethetypeswrong/cli@~0.18.5"]
writeFileSync(
  join(project, "package.json"),
  JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }, null, 2) + "\n"
)
await step(`npm install ${packed.length} tarballs, ${[...peers.keys(), ...extra].join(", ")}`, async () => {
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...installArgs, ...extra, ...tools], project)
  await verifyResolution(project, packed)
})
if (problems.length > 0) finish()

await step("a repeater from plain node", () => {
  writeFileSync(
    join(project, "main.js"),
    `import { Repeater } from "@effect-repeater/core"
import { Effect } from "effect"
let runs = 0
const program = Effect.gen(function*() {
  const handle = yield* Repeater.fork(Effect.sync(() => runs++), { name: "tick", every: "10 millis" })
  // three runs on the real clock, however loaded the machine (at most 30 s)
  const deadline = Date.now() + 30_000
  let status = yield* handle.status
  while (status.runs < 3 && Date.now() < deadline) {
    yield* Effect.sleep("10 millis")
    status = yield* handle.status
  }
  const stopped = yield* handle.stop()
  console.log(JSON.stringify({ runs: status.runs, state: status.state, stopped }))
})
Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(Repeater.layer)))
`
  )
  const result = JSON.parse(run(process.execPath, ["main.js"], project))
  if (!(result.runs >= 3 && result.state === "scheduled" && result.stopped === "idle")) {
    throw new Error(`the consumer saw ${JSON.stringify(result)}`)
  }
  return JSON.stringify(result)
})

if (versions.has("@effect-repeater/cluster")) {
  await step("a cluster runner's settings from plain node", () => {
    writeFileSync(
      join(project, "cluster.js"),
      `import { ClusterRunner } from "@effect-repeater/cluster"
import { Effect } from "effect"
const runner = await Effect.runPromise(ClusterRunner.shardingConfig({ storage: { pg: {} }, port: 34431 }))
console.log(JSON.stringify({ lockRefresh: runner.shardLockRefreshInterval === ClusterRunner.fastTakeover.lockRefresh }))
`
    )
    const result = JSON.parse(run(process.execPath, ["cluster.js"], project))
    if (result.lockRefresh !== true) throw new Error(`the consumer saw ${JSON.stringify(result)}`)
    return JSON.stringify(result)
  })
}

const specifiers = packed.flatMap((p) => exportedSpecifiers(p.manifest))
await step(`node imports ${specifiers.length} public entry points`, () => {
  writeFileSync(
    join(project, "imports.js"),
    `// every public entry point, as an application imports it (a type-only module is an empty one)
for (const specifier of ${JSON.stringify(specifiers)}) await import(specifier)
`
  )
  run(process.execPath, ["imports.js"], project)
  return specifiers.join(", ")
})

await step(`tsc: every public entry point and ${written.length} examples, strictest options`, () => {
  mkdirSync(join(project, "src"))
  writeFileSync(
    join(project, "src", "modules.ts"),
    [
      "// every public entry point of every package",
      ...specifiers.map((specifier, i) => `import * as M${i} from ${JSON.stringify(specifier)}`),
      `export const modules = [${specifiers.map((_, i) => `M${i}`).join(", ")}] as const`,
      ""
    ].join("\n")
  )
  const compilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    module: "NodeNext",
    moduleResolution: "NodeNext",
    moduleDetection: "force",
    target: "ES2022",
    lib: ["ES2022", "DOM"],
    types: ["node"],
    noEmit: true
  }
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({ compilerOptions, include: ["src", "examples"] }, null, 2) + "\n"
  )
  try {
    run(process.execPath, [join(project, "node_modules", "typescript", "bin", "tsc"), "-p", "."], project)
  } catch (error) {
    // name each example's error by its source (examples.mjs writes a one-line header: line N is fence line + N - 1)
    const bySlug = new Map(written.map((e) => [relative(project, e.file), e]))
    error.stdout = String(error.stdout ?? "").replace(
      /^(examples\/[^(]+)\((\d+),(\d+)\)/gm,
      (whole, file, row, column) => {
        const example = bySlug.get(file)
        return example === undefined ? whole : `${example.source}:${example.line + Number(row) - 1}:${column}`
      }
    )
    throw error
  }
  return `${specifiers.length} entry points; examples: ${[...new Set(written.map((e) => e.source))].join(", ")}`
})

for (const p of packed) {
  await step(`publint ${p.name}`, async () => (await publint(project, p)).join("; "))
  await step(`attw ${p.name}`, () => attw(project, p))
}
finish()

function finish() {
  for (const problem of problems) console.log(`  ✗ ${problem}`)
  const ok = problems.length === 0
  console.log(
    `check:pack ${ok ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${
      packed.map((p) => `${p.name} ${p.version}`).join(", ")
    }`
  )
  if (ok && !keep) rmSync(work, { recursive: true, force: true })
  else console.log(`  the tarballs and the consumer project are kept in ${work}`)
  process.exit(ok ? 0 : 1)
}
