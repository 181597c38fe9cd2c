/**
 * One measurement of the Effect 4 line in a fresh `node --expose-gc` process (Node 22), through the same
 * measurements as the Effect 3 line's scenario script (`packages/bench/src/harness/`):
 * `node --expose-gc scenario.mjs '<json parameters>'` prints one JSON line with the figures. `pnpm bench --only
 * effect4` (at the repository's root) bundles it with esbuild and runs it.
 */
import { gc, measure } from "../../../packages/bench/src/harness/measures.js"
import type { EndedFigures, ScenarioParameters } from "../../../packages/bench/src/scenario/protocol.js"
import { endedHeap } from "./ended.js"
import { impls } from "./impls.js"

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
