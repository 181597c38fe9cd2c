/**
 * Statistics and number formatting of the benchmark tables.
 */

/** Median, min and max of the repeats of one figure. */
export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly count: number
}

const sortedCopy = (values: ReadonlyArray<number>): Array<number> => [...values].sort((a, b) => a - b)

/**
 * The p-th percentile (0 ≤ p ≤ 100) by linear interpolation between the closest ranks; NaN for no values.
 */
export const percentileOfSorted = (sorted: ArrayLike<number>, p: number): number => {
  const n = sorted.length
  if (n === 0) return Number.NaN
  if (p <= 0) return sorted[0]!
  if (p >= 100) return sorted[n - 1]!
  const rank = (p / 100) * (n - 1)
  const lower = Math.floor(rank)
  const upper = Math.min(lower + 1, n - 1)
  const weight = rank - lower
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * weight
}

/** The p-th percentile of unsorted values. */
export const percentile = (values: ReadonlyArray<number>, p: number): number =>
  percentileOfSorted(sortedCopy(values), p)

/** The median of the values (the mean of the two middle ones for an even count); NaN for no values. */
export const median = (values: ReadonlyArray<number>): number => percentile(values, 50)

/** Median, min and max; the non-finite values (figures that do not exist in a run) are left out. */
export const summarize = (values: ReadonlyArray<number>): Summary => {
  const finite = sortedCopy(values.filter(Number.isFinite))
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, count: 0 }
  return {
    median: percentileOfSorted(finite, 50),
    min: finite[0]!,
    max: finite[finite.length - 1]!,
    count: finite.length
  }
}

/**
 * A figure with about three significant digits: integers from 100 up, one decimal from 10, two below;
 * "–" for a figure that does not exist.
 */
export const formatNumber = (value: number): string => {
  if (!Number.isFinite(value)) return "–"
  const magnitude = Math.abs(value)
  if (magnitude >= 100) return Math.round(value).toString()
  if (magnitude >= 10) return value.toFixed(1)
  return value.toFixed(2)
}

/** "median [min–max]", or only the median when there was one repeat or all repeats agree. */
export const formatSummary = (summary: Summary, format: (value: number) => string = formatNumber): string => {
  if (summary.count === 0) return "–"
  const med = format(summary.median)
  const low = format(summary.min)
  const high = format(summary.max)
  return summary.count === 1 || (low === med && high === med) ? med : `${med} [${low}–${high}]`
}

/** The figure as a multiple of the floor's, such as "×3.10"; "–" when either does not exist or the floor is 0. */
export const formatRatio = (value: number, floor: number): string =>
  Number.isFinite(value) && Number.isFinite(floor) && floor !== 0 ? `×${formatNumber(value / floor)}` : "–"

/** A count with thousands separators, such as "100,000". */
export const formatCount = (value: number): string =>
  Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–"
