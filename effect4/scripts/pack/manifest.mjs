// What the package.json of a packed tarball must say, for the Effect 4 line: each rule returns the problems it finds,
// each naming the package, the field and the value.

const dependencyFields = ["dependencies", "peerDependencies", "optionalDependencies"]

/** Every target path of an `exports` entry (a string, or the strings nested in its conditions). */
const targets = (entry) =>
  entry === null ? [] : typeof entry === "string" ? [entry] : Object.values(entry).flatMap(targets)

/**
 * The problems of one packed manifest.
 *
 * @param {{ name: string; line: "effect4" | "shared"; directory: string }} pkg the package, its line and its folder
 *   relative to the repository's root
 * @param {Record<string, unknown>} manifest the tarball's package/package.json
 * @param {ReadonlyArray<string>} files the tarball's files, without the leading `package/`
 * @param {ReadonlyMap<string, string>} versions the version of every package packed in this run, by name
 * @returns {Array<string>}
 */
export const manifestProblems = (pkg, manifest, files, versions) => {
  const problems = []
  const expect = (ok, message) => {
    if (!ok) problems.push(`${pkg.name}: ${message}`)
  }
  const has = (file) => files.includes(file)
  if (pkg.line === "effect4") {
    expect(/^1\.\d+\.\d+/.test(manifest.version), `version is ${manifest.version}, not 1.x`)
    expect(
      manifest.peerDependencies?.effect === "^4.1.5",
      `peerDependencies.effect is ${manifest.peerDependencies?.effect}, not ^4.1.5`
    )
    expect(
      manifest.publishConfig?.tag === "effect4",
      `publishConfig.tag is ${manifest.publishConfig?.tag}, not effect4`
    )
  }
  expect(
    manifest.dependencies?.effect === undefined,
    `depends on effect (${manifest.dependencies?.effect}), not as a peer`
  )
  expect(
    manifest.repository?.directory === pkg.directory,
    `repository.directory is ${manifest.repository?.directory}, not ${pkg.directory}`
  )
  for (const field of dependencyFields) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      expect(!String(range).startsWith("workspace:"), `${field}.${name} is ${range}: a workspace link was packed`)
      if (!name.startsWith("@effect-repeater/")) continue
      const version = versions.get(name)
      expect(version !== undefined, `${field}.${name} (${range}) is no package this line publishes`)
      if (version !== undefined) {
        expect(
          [`^${version}`, `~${version}`, version].includes(range),
          `${field}.${name} is ${range}, not a range of the packed version ${version}`
        )
      }
    }
  }
  const exports = manifest.exports
  expect(typeof exports === "object" && exports !== null && "." in exports, "has no exports map with \".\"")
  if (typeof exports === "object" && exports !== null) {
    for (const [key, entry] of Object.entries(exports)) {
      for (const target of targets(entry)) {
        expect(target.startsWith("./dist/"), `exports["${key}"] points to ${target}, not to dist/`)
        if (!target.includes("*")) {
          expect(has(target.slice(2)), `exports["${key}"] points to ${target}, not in the tarball`)
        }
      }
      if (key !== "." && !key.includes("*") && entry !== null) {
        expect(
          typeof entry === "object" && targets(entry.types ?? null).length > 0,
          `exports["${key}"] has no types condition`
        )
      }
    }
    const internals = files.some((file) => file.startsWith("dist/internal/"))
    expect(!internals || exports["./internal/*"] === null, "exports do not seal ./internal/* (null)")
  }
  for (const file of ["README.md", "LICENSE", "package.json"]) expect(has(file), `the tarball has no ${file}`)
  return problems
}
