/**
 * `pnpm bench`: runs every section and writes `docs/benchmarks.md`.
 */
import { sections } from "./sections/index.js"

const smoke = process.argv.includes("--smoke")
for (const section of sections) {
  process.stdout.write(`## ${section.title}\n`)
  await section.run({ smoke, log: (line) => process.stdout.write(`${line}\n`) })
}
