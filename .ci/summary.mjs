// Prints the plain closing line of the test run from vitest's JSON report.
import { readFileSync } from "node:fs"

const report = JSON.parse(readFileSync(new URL("../build/vitest-report.json", import.meta.url), "utf8"))
const skipped = report.numPendingTests + report.numTodoTests
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`)
if (report.numTotalTests === 0 || report.numFailedTests > 0) process.exit(1)
