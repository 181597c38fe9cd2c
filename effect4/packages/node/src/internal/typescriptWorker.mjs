// The entry of a worker thread whose file is TypeScript: registers tsx in this thread (the main thread may read
// TypeScript by other means, a test runner's for one, that a worker thread does not get), then loads the worker file. tsx is the application's own
// development tool, not a dependency of this package: it is looked up from the worker file's folder first (the
// application's node_modules), then from here; when it is missing, the thread fails to start with an error that
// says what to install.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { pathToFileURL } from "node:url"
import { workerData } from "node:worker_threads"

const file = workerData["@effect-repeater/node/worker-file"]

// The ES module of tsx's `esm/api` entry as the worker file's folder sees it (its exports map read by hand:
// `require.resolve` would pick the CommonJS entry); the bare specifier when it is not found there.
const locateTsx = () => {
  try {
    const manifest = createRequire(file).resolve("tsx/package.json")
    const entry = JSON.parse(readFileSync(manifest, "utf8")).exports["./esm/api"].import.default
    return pathToFileURL(join(dirname(manifest), entry)).href
  } catch {
    return "tsx/esm/api"
  }
}

const loadTsx = async () => {
  try {
    return await import(locateTsx())
  } catch (cause) {
    throw new Error(
      `The worker file ${file} is TypeScript: running it in a worker thread needs the package tsx, which could not ` +
        "be loaded (npm install --save-dev tsx), or point the pool at the compiled JavaScript file",
      { cause }
    )
  }
}

const { register } = await loadTsx()
register()
await import(file)
