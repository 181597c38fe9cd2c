// The parity check of the two lines of core: every test of the Effect 3 core (packages/core/test) has its twin, a
// test of the same title, in the Effect 4 core (effect4/packages/core/test), and every test of the Effect 4 core is
// the twin of one of the Effect 3 core. Tests are matched by their own title, whatever file or `describe` holds
// them, so that either suite can be reorganised. A test of the Effect 3 core not ported yet is named, with the
// reason, in effect4/packages/core/test/pending.json; a pending test that has its twin, or that the Effect 3 core no
// longer has, fails the check too.
//
//   node scripts/twins.mjs            check
//   node scripts/twins.mjs --pending  print the pending.json the two suites call for (reasons of the current one kept)
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..")
const effect3Tests = join(effect4, "..", "packages", "core", "test")
const effect4Tests = join(effect4, "packages", "core", "test")
const pendingFile = join(effect4Tests, "pending.json")
const pending = JSON.parse(readFileSync(pendingFile, "utf8"))

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

const three = tests(effect3Tests)
const four = tests(effect4Tests)
const problems = []
let twins = 0
for (const [title, file] of three) {
  if (four.has(title)) {
    twins++
    if (pending[title] !== undefined) problems.push(`"${title}" (${file}) has its twin, but is still pending`)
  } else if (pending[title] === undefined) {
    problems.push(`"${title}" (${file}) has no twin in the Effect 4 core and is not pending`)
  }
}
for (const [title, file] of four) {
  if (!three.has(title)) problems.push(`"${title}" (${file}) is a test of the Effect 4 core without its Effect 3 twin`)
}
for (const title of Object.keys(pending)) {
  if (!three.has(title)) problems.push(`pending.json names "${title}", which the Effect 3 core does not have`)
}

if (process.argv.includes("--pending")) {
  const next = {}
  for (const [title, file] of three) {
    if (!four.has(title)) next[title] = pending[title] ?? `not ported yet (${file})`
  }
  console.log(JSON.stringify(next, null, 2))
} else {
  console.log(
    `core twins: ${twins} of the Effect 3 core's ${three.size} tests have their twin in the Effect 4 core` +
      ` (${Object.keys(pending).length} pending)`
  )
  for (const problem of problems) console.log(`  ✗ ${problem}`)
  process.exitCode = problems.length === 0 ? 0 : 1
}
