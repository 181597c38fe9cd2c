import { Duration } from "effect"

/** Past `Date`'s range: 8.64e15 ms from the epoch. */
export const pastDateRange = Duration.millis(9e15)
