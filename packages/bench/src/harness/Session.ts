/**
 * What a measured implementation offers the measurements: sessions of repeaters that run a no-op task, all
 * wait-first. Free of any library, so that both lines' scenario scripts (Effect 3 here, Effect 4 in `effect4/bench/`)
 * measure through the same code.
 */

/** A set of repeaters of one implementation, started in batches and stopped together. */
export interface Session {
  /**
   * Starts the repeaters with indexes [from, to): each calls `onArm(i)` at the moment it arms its first wait and
   * `task(i)` on each tick. Resolves when every one of them waits for its first tick.
   */
  readonly start: (
    from: number,
    to: number,
    intervalMs: number,
    task: (i: number) => void,
    onArm: (i: number) => void
  ) => Promise<void>
  /** Stops every repeater of the session; resolves when all are stopped. */
  readonly stop: () => Promise<void>
}

/** One implementation. */
export interface Impl {
  /** `delay`: each start is `interval` after the previous end; `rate`: starts on the grid t0 + k·interval. */
  readonly contract: "delay" | "rate"
  /** `second`: only whole seconds (croner): runs at 1 s instead of the scenario's interval, lateness vs the second. */
  readonly resolution: "ms" | "second"
  /** Prepares what the sessions share (a service, a runtime) outside of the measured part. */
  readonly setup: () => Promise<() => Session>
}
