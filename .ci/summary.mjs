// Prints the plain closing line of the test run from vitest's JSON reports: the Effect 3 line's (build/) and the
// Effect 4 line's (effect4/build/), both written by the README's check command.
import { existsSync, readFileSync } from "node:fs"

const reports = ["../build/vitest-report.json", "../effect4/build/vitest-report.json"]
  .map((path) => new URL(path, import.meta.url))
  .filter((url) => existsSync(url))
  .map((url) => JSON.parse(readFileSync(url, "utf8")))
const total = (field) => reports.reduce((sum, report) => sum + report[field], 0)
const skipped = total("numPendingTests") + total("numTodoTests")
console.log(`tests: ${total("numPassedTests")} passed, ${total("numFailedTests")} failed, ${skipped} skipped`)
if (reports.length < 2 || total("numTotalTests") === 0 || total("numFailedTests") > 0) process.exit(1)
