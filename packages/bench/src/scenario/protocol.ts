/**
 * What the runner passes to a scenario process and what the process prints back (one JSON line).
 */

/** The parameters of one scenario run. */
export interface ScenarioParameters {
  readonly measure: "m1" | "m3" | "m4" | "m5" | "ended"
  /** The implementation's key in `impls`. */
  readonly impl: string
  /** How many repeaters (m5: the largest count to try). */
  readonly n: number
  readonly intervalMs: number
  /** m3: the measured window. */
  readonly durationMs: number
  /** m4: ticks per repeater. */
  readonly ticks: number
  /** m1: the idle window after the start (0: none). */
  readonly idleMs: number
  /** m5: repeaters per batch. */
  readonly batch: number
  /**
   * m3, m4: before the measurement, 200 repeaters run at the measured interval for 60 intervals (at least 1 s), so
   * that the code of a run is compiled before the measured window and the figures are those of a process that has
   * been running (without it, the first ticks of a measurement run through V8's interpreter).
   */
  readonly warmUpRuns?: boolean
  /** ended: all repeaters forked into one Scope that stays open, or each into a Scope of its own. */
  readonly scope?: "shared" | "own"
}

/** CPU and timers of a process whose repeaters all wait. */
export interface IdleFigures {
  readonly idleMs: number
  /** CPU time (user + system, all threads) per second of the idle window, in µs. */
  readonly idleCpuUsPerS: number
  /** Active `Timeout`s the repeaters added. */
  readonly addedTimers: number
  /** All active resources (`process.getActiveResourcesInfo()`), the idle window's own timer included. */
  readonly activeResources: number
}

/** M1 and M2: memory per idle repeater, start and stop time. */
export type M1Figures =
  | {
    readonly fits: true
    readonly n: number
    readonly heapPerRepeater: number
    readonly rssPerRepeater: number
    readonly startMs: number
    readonly stopMs: number
    readonly idle?: IdleFigures
  }
  | {
    readonly fits: false
    /** How many were created before the next batch was projected to pass 90% of the heap limit. */
    readonly reached: number
    readonly heapLimit: number
  }

/** M3: CPU per tick and share of the expected ticks. */
export interface M3Figures {
  readonly intervalMs: number
  readonly ticks: number
  readonly expected: number
  readonly achievedPercent: number
  readonly cpuUsPerTick: number
  readonly cpuPercentOfCore: number
}

/** M4: lateness (ms) per the implementation's contract, drift after the last tick, duplicate and skipped ticks. */
export interface M4Figures {
  readonly intervalMs: number
  readonly ticks: number
  readonly contract: "delay" | "rate"
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly driftMedian: number
  readonly driftMax: number
  readonly rateP50: number
  readonly rateP99: number
  readonly duplicates: number
  readonly skipped: number
  /** Ticks that did not happen before the deadline. */
  readonly missing: number
}

/** M5: the largest count that fits the default heap. */
export interface M5Figures {
  readonly target: number
  readonly reached: number
  readonly heapBytes: number
  readonly heapPerRepeater: number
  readonly startMs: number
  /** Only when all of them fit. */
  readonly stopMs?: number
  readonly heapLimit: number
}

/** The heap that `n` uniquely named repeaters leave once they ran once and ended. */
export interface EndedFigures {
  readonly n: number
  readonly heapBytes: number
}
