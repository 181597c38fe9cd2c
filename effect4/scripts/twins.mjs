// The parity check of the two lines: every test of an Effect 3 package or example (packages/<name>/test,
// examples/<name>/test) has its twin, a test of the same title, in the Effect 4 package or example of the same folder
// (effect4/packages/<name>/test, effect4/examples/<name>/test), and every test there is the twin of one of the
// Effect 3 line. Tests are matched by their own title, whatever file or `describe` holds them, so that either suite
// can be reorganised. A test of the Effect 3 line not ported yet is named, with the reason, in the Effect 4 folder's
// test/pending.json; a pending test that has its twin, or that the Effect 3 line no longer has, fails the check too.
// Every package and example of the Effect 4 line is checked.
//
//   node scripts/twins.mjs                   check
//   node scripts/twins.mjs --pending <name>  print the pending.json the two suites of <name> (core, or
//                                            examples/token-cleanup) call for (reasons of the current one kept)
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..")
const readPending = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {})
/**
 * The titles of the tests of a folder's `*.test.ts` files, each with the file it is in. Titles are string literals
 * (the repository's style); a template or computed title is taken as written, and tests made by `.each` are one test.
 */
const tests = (dir) => {
  const found = new Map()
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".test.ts")).sort()) {
    const source = readFileSync(join(dir, file), "utf8")
    const pattern = /\b(?:it|test)(?:\.\w+)*\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)/g
    const each = /\b(?:it|test)(?:\.\w+)*\.each\([\s\S]*?\]\)\(\s*("(?:[^"\\]|\\.)*")/g
    for (const regex of [pattern, each]) {
      let match
      while ((match = regex.exec(source)) !== null) found.set(match[1].slice(1, -1), file)
    }
  }
  return found
}

const pendingFor = process.argv.includes("--pending") ? process.argv[process.argv.indexOf("--pending") + 1] : undefined
// every package and every example of the Effect 4 line, named by its folder (packages/core, examples/token-cleanup)
const names = ["packages", "examples"].flatMap((group) =>
  existsSync(join(effect4, group))
    ? readdirSync(join(effect4, group)).filter((name) => existsSync(join(effect4, group, name, "test"))).map((name) =>
      `${group}/${name}`
    )
    : []
)
let failed = false
for (const name of names.sort()) {
  const effect3Tests = join(effect4, "..", name, "test")
  const effect4Tests = join(effect4, name, "test")
  const pending = readPending(join(effect4Tests, "pending.json"))
  const three = existsSync(effect3Tests) ? tests(effect3Tests) : new Map()
  const four = tests(effect4Tests)
  const problems = []
  let twins = 0
  if (three.size === 0) problems.push(`the Effect 3 line has no tests of ${name}`)
  for (const [title, file] of three) {
    if (four.has(title)) {
      twins++
      if (pending[title] !== undefined) problems.push(`"${title}" (${file}) has its twin, but is still pending`)
    } else if (pending[title] === undefined) {
      problems.push(`"${title}" (${file}) has no twin in the Effect 4 ${name} and is not pending`)
    }
  }
  for (const [title, file] of four) {
    if (!three.has(title)) {
      problems.push(`"${title}" (${file}) is a test of the Effect 4 ${name} without its Effect 3 twin`)
    }
  }
  for (const title of Object.keys(pending)) {
    if (!three.has(title)) {
      problems.push(`pending.json of ${name} names "${title}", which the Effect 3 ${name} does not have`)
    }
  }
  if (pendingFor === name || pendingFor === name.replace(/^packages\//, "")) {
    const next = {}
    for (const [title, file] of three) {
      if (!four.has(title)) next[title] = pending[title] ?? `not ported yet (${file})`
    }
    console.log(JSON.stringify(next, null, 2))
  } else if (pendingFor === undefined) {
    console.log(
      `${name} twins: ${twins} of the Effect 3 ${name}'s ${three.size} tests have their twin in the Effect 4 ${name}` +
        ` (${Object.keys(pending).length} pending)`
    )
    for (const problem of problems) console.log(`  ✗ ${problem}`)
    failed ||= problems.length > 0
  }
}
process.exitCode = failed ? 1 : 0
