// The packing check of the Effect 4 line: build, pack the kernel (shared with the Effect 3 line), the Effect 4
// core and the Effect 4 cluster with pnpm, check what the tarballs' package.json say (the kernel and core by version
// ranges, not workspace links; effect 4 as a peer), then install the tarballs with plain npm into a fresh project
// outside the workspace and run a repeater from plain node (and check a cluster runner's settings there).
//
//   node scripts/pack.mjs [--keep]
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..")
const keep = process.argv.includes("--keep")
const work = mkdtempSync(join(tmpdir(), "effect-repeater-effect4-pack-"))
const tarballs = join(work, "tarballs")
mkdirSync(tarballs)
// (without the settings pnpm hands its scripts, which npm does not know)
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("npm_config_")))
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
const problems = []
const expect = (ok, message) => {
  if (!ok) problems.push(message)
}

run(join(effect4, "node_modules", ".bin", "tsc"), ["-b", "tsconfig.build.json"], effect4)
const packages = {
  kernel: join(effect4, "..", "packages", "kernel"),
  core: join(effect4, "packages", "core"),
  cluster: join(effect4, "packages", "cluster")
}
const manifests = {}
for (const [name, dir] of Object.entries(packages)) {
  run("npx", ["-y", "pnpm@10", "pack", "--pack-destination", tarballs], dir)
  const tarball = readdirSync(tarballs).find((file) => file.includes(`-${name}-`))
  manifests[name] = JSON.parse(run("tar", ["-xzOf", join(tarballs, tarball), "package/package.json"], work))
}
const kernelVersion = manifests.kernel.version
const core = manifests.core
expect(/^1\.\d+\.\d+/.test(core.version), `core's version is ${core.version}, not 1.x`)
expect(
  core.dependencies?.["@effect-repeater/kernel"] === `^${kernelVersion}`,
  `core depends on @effect-repeater/kernel by ${core.dependencies?.["@effect-repeater/kernel"]}, not ^${kernelVersion}`
)
expect(core.peerDependencies?.effect === "^4.1.5", `core's peer effect is ${core.peerDependencies?.effect}, not ^4.1.5`)
expect(
  core.exports?.["."]?.default === "./dist/index.js",
  "core's exports do not point to dist/ (publishConfig not applied)"
)
expect(manifests.kernel.dependencies === undefined, "the kernel has dependencies")
const cluster = manifests.cluster
expect(/^1\.\d+\.\d+/.test(cluster.version), `cluster's version is ${cluster.version}, not 1.x`)
expect(
  cluster.peerDependencies?.["@effect-repeater/core"] === `^${core.version}`,
  `cluster's peer @effect-repeater/core is ${cluster.peerDependencies?.["@effect-repeater/core"]}, not ^${core.version}`
)
expect(
  cluster.peerDependencies?.effect === "^4.1.5",
  `cluster's peer effect is ${cluster.peerDependencies?.effect}, not ^4.1.5`
)
expect(
  cluster.exports?.["."]?.default === "./dist/index.js",
  "cluster's exports do not point to dist/ (publishConfig not applied)"
)

if (problems.length === 0) {
  const project = join(work, "consumer")
  mkdirSync(project)
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
  run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--no-package-lock",
    ...readdirSync(tarballs).map((file) => join(tarballs, file)),
    "effect@~4.1.5"
  ], project)
  writeFileSync(
    join(project, "main.js"),
    `import { ClusterRunner } from "@effect-repeater/cluster"
import { Repeater } from "@effect-repeater/core"
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
  const runner = yield* ClusterRunner.shardingConfig({ storage: { pg: {} }, port: 34431 })
  const lockRefresh = runner.shardLockRefreshInterval === ClusterRunner.fastTakeover.lockRefresh
  console.log(JSON.stringify({ runs: status.runs, state: status.state, stopped, lockRefresh }))
})
Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(Repeater.layer)))
`
  )
  const result = JSON.parse(run(process.execPath, ["main.js"], project))
  expect(
    result.runs >= 3 && result.state === "scheduled" && result.stopped === "idle" && result.lockRefresh === true,
    `the consumer saw ${JSON.stringify(result)}`
  )
  console.log(
    `packed core ${core.version} and cluster ${cluster.version} (kernel ${kernelVersion}); a consumer installed with npm ran: ${
      JSON.stringify(result)
    }`
  )
}
for (const problem of problems) console.log(`  ✗ ${problem}`)
if (problems.length === 0 && !keep) rmSync(work, { recursive: true, force: true })
else console.log(`  the tarballs and the consumer project are kept in ${work}`)
process.exitCode = problems.length === 0 ? 0 : 1
