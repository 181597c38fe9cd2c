/**
 * What the reliability section passes to the soak process and what the process prints back (one JSON line).
 */

/** The parameters of one soak run. */
export interface SoakParameters {
  readonly repeaters: number
  readonly durationMs: number
  /** How often the heap is sampled (after a full GC). */
  readonly heapEveryMs: number
  /** Heap samples before this instant (from the start) are left out of the slope: the process is still warming up. */
  readonly warmUpMs: number
}

/** The figures of one minute of the soak. */
export interface SoakMinute {
  readonly minute: number
  readonly runs: number
  readonly latenessP50: number
  readonly latenessP99: number
  readonly latenessMax: number
}

/** The figures of a soak run. */
export interface SoakFigures {
  readonly repeaters: number
  readonly durationMs: number
  /** Repeaters per trigger: `every` in rate mode, `every` in delay mode, `cron`. */
  readonly kinds: { readonly rate: number; readonly delay: number; readonly cron: number }
  /** Runs started (RunStarted) and runs the repeated effect saw (executions): equal when no report was lost. */
  readonly runsStarted: number
  readonly executions: number
  readonly failedRuns: number
  readonly timedOutRuns: number
  /** Error-level log lines: one per failed run (`onError: "continue"` logs each failure). */
  readonly errorLogs: number
  readonly skippedTicks: number
  readonly pauses: number
  /** Expected ticks that never ran and were not reported as skipped (see the section for the precise rule). */
  readonly lost: number
  /** Ticks run twice: a scheduled instant started twice, or a run index executed twice. */
  readonly doubled: number
  /** Runs that started while their repeater was paused. */
  readonly startedWhilePaused: number
  /** The first few lost or doubled ticks, for a diagnosis. */
  readonly anomalies: ReadonlyArray<string>
  readonly minutes: ReadonlyArray<SoakMinute>
  /** [seconds since the start, heap used after a full GC in bytes]. */
  readonly heap: ReadonlyArray<readonly [number, number]>
  /** Least-squares slope of the heap samples after the warm-up, in bytes per minute. */
  readonly heapSlopeBytesPerMinute: number
  /** CPU time (user + system) over the run, in percent of one core. */
  readonly cpuPercent: number
}
