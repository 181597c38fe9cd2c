/**
 * A part of `docs/benchmarks.md`: one group of measurements with its tables.
 *
 * The runner (`pnpm bench`) calls every registered section in turn. A section starts the processes it measures itself
 * (a fresh `node --expose-gc` process per measurement), prints its figures as it goes through `log`, and returns the
 * Markdown that the runner writes into `docs/benchmarks.md`.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface SectionOptions {
  /** Tiny sizes, one repeat: proves that the benchmark still runs, its figures mean nothing. */
  readonly smoke: boolean
  /** Prints a line of progress or a figure to the terminal. */
  readonly log: (line: string) => void
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Section {
  /** A short identifier, for `pnpm bench --only <id>`. */
  readonly id: string
  /** The heading of the section in `docs/benchmarks.md`. */
  readonly title: string
  /** Runs the measurements and returns the section's Markdown (without its heading). */
  readonly run: (options: SectionOptions) => Promise<string>
  /**
   * Sections whose figures this one is computed from: it runs after them, and again whenever one of them is re-run
   * with `--only`.
   */
  readonly dependsOn?: ReadonlyArray<string>
  /**
   * `false`: left out of `--smoke` runs (the ones that take long even at tiny sizes, or need more than the Effect 3
   * workspace), unless chosen with `--only`. Included by default.
   */
  readonly smoke?: boolean
}
