// The entry of a worker thread whose file is TypeScript: registers tsx in this thread (Node 20 does not apply
// the main thread's `--import tsx` to worker threads), then loads the worker file.
import { workerData } from "node:worker_threads"
import { register } from "tsx/esm/api"

register()
await import(workerData["@effect-repeater/node/worker-file"])
