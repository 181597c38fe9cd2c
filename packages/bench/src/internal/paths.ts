/**
 * Where the benchmark writes.
 */
import * as path from "node:path"
import { packageDir } from "./child.js"

/** The repository's root directory. */
export const rootDir = path.resolve(packageDir, "..", "..")

/** `docs/benchmarks.md`. */
export const documentPath = path.join(rootDir, "docs", "benchmarks.md")

/** `docs/benchmarks.json`: every figure of every run behind `docs/benchmarks.md`. */
export const dataPath = path.join(rootDir, "docs", "benchmarks.json")

/** Where a smoke run writes its document (never into docs/). */
export const smokeDocumentPath = path.join(packageDir, "build", "benchmarks-smoke.md")
