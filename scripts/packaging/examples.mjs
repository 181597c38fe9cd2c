/**
 * Extracts the TypeScript examples of the documentation, so that the packaging check can type-check them against the
 * packed packages:
 *
 * - every ```ts / ```typescript fenced block of `README.md`, `docs/*.md`, `examples/*\/README.md` and
 *   `packages/*\/README.md`;
 * - every ```ts fenced block in the JSDoc comments (`@example`) of the public modules
 *   `packages/{dashboard,core,node,http,cluster}/src/*.ts` (not `internal/`).
 *
 * Each block becomes a module of its own, `<outDir>/<slug of the source>_<line of the opening fence>.ts`. Its first
 * line is a comment naming the source, so line N of the file is line (fence line + N - 1) of the source, and
 * `export {}` is appended so that every block is a module.
 *
 * An example made of several files names each file on the first line of its block (`// requests.ts`, or
 * `// requests.ts: shared by both sides`); a relative import of that name (`./requests.js`) in another block of the
 * same source is pointed at the extracted file of that block.
 */
import { access, mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"

/** The packages whose public modules' JSDoc examples are checked. */
export const publicPackages = ["dashboard", "core", "node", "http", "cluster"]

const exists = async (file) => {
  try {
    await access(file)
    return true
  } catch {
    return false
  }
}

const listDir = async (dir) => {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))
  } catch {
    return []
  }
}

/** The documentation files, relative to the repository root, in a stable order. */
const markdownSources = async (repoRoot) => {
  const sources = []
  if (await exists(path.join(repoRoot, "README.md"))) sources.push("README.md")
  for (const entry of await listDir(path.join(repoRoot, "docs"))) {
    if (entry.isFile() && entry.name.endsWith(".md")) sources.push(`docs/${entry.name}`)
  }
  for (const parent of ["examples", "packages"]) {
    for (const entry of await listDir(path.join(repoRoot, parent))) {
      if (entry.isDirectory() && await exists(path.join(repoRoot, parent, entry.name, "README.md"))) {
        sources.push(`${parent}/${entry.name}/README.md`)
      }
    }
  }
  return sources
}

/** The public modules (`src/*.ts`, not `src/internal/`) of the published packages. */
const moduleSources = async (repoRoot) => {
  const sources = []
  for (const name of publicPackages) {
    for (const entry of await listDir(path.join(repoRoot, "packages", name, "src"))) {
      if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        sources.push(`packages/${name}/src/${entry.name}`)
      }
    }
  }
  return sources
}

const fenceOpen = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/
const fenceClose = /^\s*(`{3,}|~{3,})\s*$/

const isTypeScript = (info) => ["ts", "typescript"].includes(info.toLowerCase())

/**
 * The fenced blocks of a list of lines (markdown, or the text of a JSDoc comment), with the index of the line of
 * their opening fence. A block's lines lose the indentation of its opening fence.
 */
const fencedBlocks = (lines) => {
  const blocks = []
  let open
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index]
    if (open === undefined) {
      const match = fenceOpen.exec(text)
      if (match !== null) {
        open = { index, indent: match[1].length, fence: match[2], info: match[3], body: [] }
      }
      continue
    }
    const closing = fenceClose.exec(text)
    if (closing !== null && closing[1][0] === open.fence[0] && closing[1].length >= open.fence.length) {
      blocks.push({ index: open.index, info: open.info, body: open.body })
      open = undefined
    } else {
      const indent = /^\s*/.exec(text)[0].length
      open.body.push(text.slice(Math.min(indent, open.indent)))
    }
  }
  return blocks
}

/** The TypeScript blocks of a markdown file, each with its 1-based line. */
const markdownExamples = (text) =>
  fencedBlocks(text.split(/\r?\n/))
    .filter((block) => isTypeScript(block.info))
    .map((block) => ({ line: block.index + 1, body: block.body }))

/**
 * The TypeScript blocks in the JSDoc comments of a module, each with its 1-based line: the comment's lines without
 * their leading ` * `, blocks fenced there as in markdown.
 */
const jsdocExamples = (text) => {
  const lines = text.split(/\r?\n/)
  const examples = []
  let comment
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]
    if (comment === undefined) {
      if (/^\s*\/\*\*/.test(line) && !line.includes("*/")) comment = { start: index + 1, lines: [] }
      continue
    }
    if (line.includes("*/")) {
      for (const block of fencedBlocks(comment.lines)) {
        if (isTypeScript(block.info)) examples.push({ line: comment.start + block.index + 1, body: block.body })
      }
      comment = undefined
    } else {
      comment.lines.push(line.replace(/^\s*\* ?/, ""))
    }
  }
  return examples
}

const slug = (source) => source.replace(/[^A-Za-z0-9]+/g, "-")

/** The file name an example names on its first line (`// requests.ts` or `// requests.ts: ...`), if any. */
const namedFile = (body) => {
  const first = body.find((line) => line.trim() !== "")
  const match = first === undefined ? null : /^\/\/\s*([\w./-]+)\.(?:ts|mts)(?::.*)?\s*$/.exec(first.trim())
  return match === null ? undefined : path.posix.basename(match[1])
}

/** Points relative imports of files named by other blocks of the same source at their extracted modules. */
const linkImports = (body, named) =>
  body.map((line) =>
    line.replace(
      /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']*?)\.(?:js|ts|mjs|mts)\2/g,
      (whole, keyword, quote, specifier) => {
        const target = named.get(path.posix.basename(specifier))
        return target === undefined ? whole : `${keyword}${quote}./${target}.js${quote}`
      }
    )
  )

/**
 * Writes every TypeScript example of the documentation as a module of its own in `outDir` (created if missing;
 * give a fresh directory), prints how many came from each source, and returns them in order. Throws when `README.md`
 * has no TypeScript block at all: the extraction itself must be broken then.
 *
 * @param {string} repoRoot the repository's root directory
 * @param {string} outDir the directory to write the examples to
 * @returns {Promise<Array<{ file: string; source: string; line: number }>>} each written file (absolute path), its
 *   source (relative to `repoRoot`, with `/`) and the line of the example's opening fence in it
 */
export async function writeExamples(repoRoot, outDir) {
  const root = path.resolve(repoRoot)
  const markdown = await markdownSources(root)
  if (!markdown.includes("README.md")) {
    throw new Error(`No README.md in ${root}`)
  }
  const written = await writeExamplesOf(root, outDir, { markdown, modules: await moduleSources(root) })
  if (!written.some(({ source }) => source === "README.md")) {
    throw new Error(`No TypeScript example found in ${path.join(root, "README.md")}: the extraction is broken`)
  }
  return written
}

/**
 * Writes the TypeScript examples of the given sources (paths relative to `repoRoot`, with `/`): the fenced blocks of
 * the `markdown` files and of the JSDoc comments of the `modules`, as `writeExamples` does for this workspace's
 * documentation (the Effect 4 line's packing check gives its own).
 *
 * @param {string} repoRoot the repository's root directory
 * @param {string} outDir the directory to write the examples to
 * @param {{ markdown: ReadonlyArray<string>; modules: ReadonlyArray<string> }} sources the files to read
 * @returns {Promise<Array<{ file: string; source: string; line: number }>>} as `writeExamples`
 */
export async function writeExamplesOf(repoRoot, outDir, { markdown, modules }) {
  const root = path.resolve(repoRoot)
  const out = path.resolve(outDir)
  await mkdir(out, { recursive: true })

  const sources = [
    ...markdown.map((source) => ({ source, extract: markdownExamples })),
    ...modules.map((source) => ({ source, extract: jsdocExamples }))
  ]
  const written = []
  const counts = []
  for (const { extract, source } of sources) {
    const examples = extract(await readFile(path.join(root, source), "utf8")).map((example) => ({
      ...example,
      name: `${slug(source)}_${example.line}`
    }))
    const named = new Map()
    for (const example of examples) {
      const file = namedFile(example.body)
      if (file !== undefined) named.set(file, example.name)
    }
    for (const example of examples) {
      const file = path.join(out, `${example.name}.ts`)
      const header = `// ${source}:${example.line} (extracted by scripts/packaging/examples.mjs; line N here is line ${
        example.line - 1
      } + N there)`
      const body = linkImports(example.body, named)
      await writeFile(file, [header, ...body, "", "export {}", ""].join("\n"))
      written.push({ file, source, line: example.line })
    }
    if (examples.length > 0) counts.push(`${source}: ${examples.length}`)
  }
  console.log(`examples: ${written.length} TypeScript blocks (${counts.join(", ")})`)
  return written
}
