/**
 * Every section of `docs/benchmarks.md`, in the order they appear.
 *
 * @since 0.1.0
 */
import type { Section } from "../Section.js"
import { cluster } from "./cluster.js"
import { coreCapacity, coreCpu, coreEnded, coreLateness, coreMemory, coreSummary } from "./core.js"
import { cronJump } from "./cronJump.js"
import { effect4 } from "./effect4.js"
import { nodeWorkers } from "./nodeWorkers.js"
import { reliability } from "./reliability.js"

/**
 * @since 0.1.0
 * @category sections
 */
export const sections: ReadonlyArray<Section> = [
  coreSummary,
  coreMemory,
  coreEnded,
  coreCpu,
  coreLateness,
  coreCapacity,
  cronJump,
  nodeWorkers,
  cluster,
  reliability,
  effect4
]
