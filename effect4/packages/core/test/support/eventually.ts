import { Effect } from "effect"

// -----------------------------------------------------------------------------
// Effect's default Clock (real time)
// -----------------------------------------------------------------------------

/** Polls `condition` every 5 ms until it holds, for at most `deadlineMillis`. */
export const eventually = (condition: () => boolean, deadlineMillis = 20_000) =>
  Effect.promise(async () => {
    const end = Date.now() + deadlineMillis
    while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5))
    return condition()
  })
