// The parity check of the two lines of core: every test of the Effect 3 core (packages/core/test) has its twin,
// a test of the same title in a file of the same name, in the Effect 4 core (effect4/packages/core/test), and the
// other way round. A test file not ported yet is named in effect4/packages/core/test/pending.json with the reason;
// a pending file that has been ported, or an Effect 3 test file neither ported nor pending, fails the check.
//
//   node scripts/twins.mjs
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..")
const lines = {
  "Effect 3": join(effect4, "..", "packages", "core", "test"),
  "Effect 4": join(effect4, "packages", "core", "test")
}
const pending = JSON.parse(readFileSync(join(lines["Effect 4"], "pending.json"), "utf8"))

const testFiles = (dir) => readdirSync(dir).filter((file) => file.endsWith(".test.ts")).sort()

/**
 * The titles of a file's tests, each with the titles of the `describe`s around it: "outer > inner > test". Titles
 * are string literals (the repository's style); a template or computed title is taken as written.
 */
const titles = (file) => {
  const source = readFileSync(file, "utf8")
  const pattern = /\b(describe|it|test)(?:\.\w+)*\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)/g
  const found = []
  const stack = []
  let match
  while ((match = pattern.exec(source)) !== null) {
    const depth = indentOf(source, match.index)
    while (stack.length > 0 && stack[stack.length - 1].depth >= depth) stack.pop()
    const title = match[2].slice(1, -1)
    if (match[1] === "describe") stack.push({ depth, title })
    else found.push([...stack.map((entry) => entry.title), title].join(" > "))
  }
  return found
}
const indentOf = (source, index) => {
  const lineStart = source.lastIndexOf("\n", index) + 1
  return index - lineStart
}

const problems = []
const three = testFiles(lines["Effect 3"])
const four = new Set(testFiles(lines["Effect 4"]))
let twins = 0
for (const file of three) {
  if (!four.has(file)) {
    if (pending[file] === undefined) {
      problems.push(`${file}: neither ported to the Effect 4 core nor named in pending.json`)
    }
    continue
  }
  if (pending[file] !== undefined) problems.push(`${file}: ported, but still named in pending.json`)
  const a = titles(join(lines["Effect 3"], file))
  const b = titles(join(lines["Effect 4"], file))
  for (const title of a) if (!b.includes(title)) problems.push(`${file}: "${title}" has no twin in the Effect 4 core`)
  for (const title of b) if (!a.includes(title)) problems.push(`${file}: "${title}" has no twin in the Effect 3 core`)
  twins += a.filter((title) => b.includes(title)).length
}
for (const file of four) {
  if (!three.includes(file)) problems.push(`${file}: an Effect 4 test file without its Effect 3 twin`)
}
for (const file of Object.keys(pending)) {
  if (!three.includes(file)) problems.push(`pending.json names ${file}, which the Effect 3 core does not have`)
}
const total = three.reduce((sum, file) => sum + titles(join(lines["Effect 3"], file)).length, 0)
console.log(
  `core twins: ${twins} of the Effect 3 core's ${total} tests run on both lines (${four.size} of ${three.length} files;` +
    ` ${Object.keys(pending).length} pending)`
)
for (const problem of problems) console.log(`  ✗ ${problem}`)
process.exitCode = problems.length === 0 ? 0 : 1
