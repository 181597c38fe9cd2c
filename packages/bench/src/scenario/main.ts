/**
 * One measurement in a fresh `node --expose-gc` process: `node --expose-gc scenario.mjs '<json parameters>'`.
 * Prints one JSON line with the figures.
 */
import { gc, measure } from "../harness/measures.js"
import { endedHeap } from "./ended.js"
import { impls } from "./impls.js"
import type { EndedFigures, ScenarioParameters } from "./protocol.js"

const main = async () => {
  const p: ScenarioParameters = JSON.parse(process.argv[2] ?? "{}")
  if (p.measure === "ended") {
    const figures: EndedFigures = { n: p.n, heapBytes: await endedHeap(p.n, p.scope ?? "shared", gc) }
    process.stdout.write(`${JSON.stringify(figures)}\n`)
    process.exit(0)
  }
  process.stdout.write(`${JSON.stringify(await measure(impls, p))}\n`)
  process.exit(0)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`)
  process.exit(1)
})
