import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

// -----------------------------------------------------------------------------
// Memory
// -----------------------------------------------------------------------------

setFlagsFromString("--expose-gc")

export const collectGarbage: () => void = runInNewContext("gc")
