/**
 * `pnpm bench`: runs every section and writes `docs/benchmarks.md`.
 * `--smoke`: tiny sizes; `--only <id>`: one section.
 */
import { sections } from "./sections/index.js"

const smoke = process.argv.includes("--smoke")
const onlyIndex = process.argv.indexOf("--only")
const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1]
const selected = sections.filter((section) => only === undefined || section.id === only)
if (selected.length === 0) {
  process.stderr.write(`No section "${only}"; the sections are: ${sections.map((_) => _.id).join(", ")}\n`)
  process.exit(1)
}
for (const section of selected) {
  process.stdout.write(`## ${section.title}\n`)
  const markdown = await section.run({ smoke, log: (line) => process.stdout.write(`${line}\n`) })
  process.stdout.write(`\n${markdown}\n`)
}
