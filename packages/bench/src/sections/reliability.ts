/**
 * Proof under load and faults: the soak of 10,000 repeaters, cluster faults, 1,000 cluster repeaters, event streams
 * under load, and the bad inputs the tests try.
 *
 * `pnpm bench --only reliability` measures every part; `BENCH_RELIABILITY=<part>[,<part>…]` (soak, faults, load,
 * streams) measures only those, the others keep their stored figures (`docs/benchmarks.json`, key `reliability`).
 * `--smoke` runs the 60-second soak only, and fails when a tick is lost or doubled or the heap grows.
 *
 * @since 0.1.0
 */
import { badInputs } from "../reliability/badInputs.js"
import { renderSoak, runSoak, smokeHeapGrowthBound, smokeSoak, soakFailures } from "../reliability/soakPart.js"
import { fullSoak } from "../reliability/soakPart.js"
import type { SoakFigures } from "../reliability/soakProtocol.js"
import { loadAverage, loadPart, type Part, parts, storePart } from "../reliability/store.js"
import type { Section } from "../Section.js"

const selectedParts = (): ReadonlyArray<Part> => {
  const text = process.env.BENCH_RELIABILITY
  if (text === undefined || text.trim() === "") return parts
  const selected = text.split(",").map((p) => p.trim())
  const unknown = selected.filter((p) => !parts.some((known) => known === p))
  if (unknown.length > 0) {
    throw new Error(`BENCH_RELIABILITY: unknown part ${unknown.join(", ")}; the parts are ${parts.join(", ")}`)
  }
  return parts.filter((p) => selected.includes(p))
}

/**
 * @since 0.1.0
 * @category sections
 */
export const reliability: Section = {
  id: "reliability",
  title: "Reliability: proof under load and faults",
  run: async ({ log, smoke }) => {
    if (smoke) {
      log(`soak: ${smokeSoak.repeaters} repeaters for ${smokeSoak.durationMs / 1000} s`)
      const figures = await runSoak(smokeSoak)
      const failures = soakFailures(figures, smokeHeapGrowthBound)
      log(
        `soak: ${figures.runsStarted} runs, lost ${figures.lost}, doubled ${figures.doubled}, heap ${
          figures.heap.map(([s, b]) => `${s}s:${(b / 2 ** 20).toFixed(0)}MiB`).join(" ")
        }`
      )
      if (failures.length > 0) throw new Error(`the 60-second soak failed:\n${failures.join("\n")}`)
      return renderSoak({ measured: "now", load: loadAverage(), figures })
    }
    for (const part of selectedParts()) {
      const loadAtStart = loadAverage()
      log(`reliability: ${part}`)
      if (part === "soak") {
        const figures = await runSoak(fullSoak)
        log(`soak: ${figures.runsStarted} runs, lost ${figures.lost}, doubled ${figures.doubled}`)
        storePart("soak", figures, loadAtStart)
      }
    }
    return [
      "### Soak",
      "",
      renderSoak(loadPart<SoakFigures>("soak")),
      "### Bad inputs tried",
      "",
      badInputs
    ].join("\n")
  }
}
