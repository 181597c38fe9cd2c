import { describe, expect, it } from "@effect/vitest"
import {
  formatCount,
  formatNumber,
  formatRatio,
  formatSummary,
  median,
  percentile,
  percentileOfSorted,
  summarize
} from "../src/internal/stats.js"

describe("statistics", () => {
  it("median of an odd and an even count, unsorted", () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNaN()
  })

  it("percentiles interpolate between the closest ranks", () => {
    const values = Array.from({ length: 101 }, (_, i) => 100 - i)
    expect(percentile(values, 0)).toBe(0)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 99)).toBe(99)
    expect(percentile(values, 100)).toBe(100)
    expect(percentileOfSorted(Float64Array.from([10, 20]), 25)).toBe(12.5)
    expect(percentileOfSorted([7], 99)).toBe(7)
  })

  it("summarize gives median, min and max and leaves out figures that do not exist", () => {
    expect(summarize([3, 1, 2, Number.NaN])).toEqual({ median: 2, min: 1, max: 3, count: 3 })
    expect(summarize([Number.NaN]).count).toBe(0)
  })

  it("numbers are shown with about three significant digits", () => {
    expect(formatNumber(9245.4)).toBe("9245")
    expect(formatNumber(43.64)).toBe("43.6")
    expect(formatNumber(0.432)).toBe("0.43")
    expect(formatNumber(-0.5)).toBe("-0.50")
    expect(formatNumber(Number.NaN)).toBe("–")
  })

  it("a summary shows median [min–max], or the median alone", () => {
    expect(formatSummary(summarize([296.2, 295.9, 296.4]))).toBe("296")
    expect(formatSummary(summarize([43.6, 39.6, 55.6]))).toBe("43.6 [39.6–55.6]")
    expect(formatSummary(summarize([]))).toBe("–")
  })

  it("counts with thousands separators", () => {
    expect(formatCount(1_000_000)).toBe("1,000,000")
    expect(formatCount(50)).toBe("50")
  })

  it("ratios to the floor", () => {
    expect(formatRatio(9245, 296)).toBe("×31.2")
    expect(formatRatio(1, 0)).toBe("–")
  })
})
