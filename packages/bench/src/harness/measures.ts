/**
 * The measurements of a scenario process (M1 memory, start and stop; M3 CPU per tick; M4 lateness; M5 capacity), on
 * any implementation's sessions: free of any library, so that both lines' scenario scripts (Effect 3 in
 * `../scenario/main.ts`, Effect 4 in `effect4/bench/`) measure through the same code. Run with `node --expose-gc`.
 */
import * as v8 from "node:v8"
import { percentileOfSorted } from "../internal/stats.js"
import type {
  IdleFigures,
  M1Figures,
  M3Figures,
  M4Figures,
  M5Figures,
  ScenarioParameters
} from "../scenario/protocol.js"
import type { Impl, Session } from "./Session.js"

const gcFunction = (globalThis as { gc?: () => void }).gc
if (gcFunction === undefined) throw new Error("run with node --expose-gc")
/** A full collection of the heap (`global.gc`). */
export const gc = gcFunction

const now = () => performance.now()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const noop = () => {}

const fullGc = () => {
  gc()
  gc()
}

const heapLimit = () => v8.getHeapStatistics().heap_size_limit

const memory = () => {
  const usage = process.memoryUsage()
  return { heap: usage.heapUsed, rss: usage.rss }
}

const timeoutCount = () => process.getActiveResourcesInfo().filter((name) => name === "Timeout").length

const warmUp = async (makeSession: () => Session, intervalMs: number) => {
  const session = makeSession()
  await session.start(0, 200, intervalMs, noop, noop)
  await session.stop()
}

/** `warmUp`, then, with `warmUpRuns` (see `ScenarioParameters`), 200 repeaters running at `intervalMs` for a while. */
const warmUpFor = async (p: ScenarioParameters, makeSession: () => Session, intervalMs: number) => {
  await warmUp(makeSession, 3_600_000)
  if (p.warmUpRuns !== true) return
  const session = makeSession()
  await session.start(0, 200, intervalMs, noop, noop)
  await sleep(Math.max(60 * intervalMs, 1_000))
  await session.stop()
}

/**
 * Creates n repeaters in batches; before each batch, projects the heap after it and stops if that passes `fraction`
 * of the heap limit. The projection is the used heap plus the largest batch's growth so far; only when that passes
 * the limit is the heap collected and the projection made again from the live heap (used after a GC + the average
 * growth per repeater times the batch), so that runs far from the limit spend no time in GCs between batches.
 * Call after a full GC.
 */
const startInBatches = async (session: Session, n: number, batch: number, intervalMs: number, fraction: number) => {
  const used = () => v8.getHeapStatistics().used_heap_size
  const limit = fraction * heapLimit()
  const base = used()
  let created = 0
  let startMs = 0
  let largestGrowth = 0
  while (created < n) {
    const size = Math.min(batch, n - created)
    if (created > 0 && used() + largestGrowth * (size / batch) > limit) {
      gc()
      const live = used()
      if (live + ((live - base) / created) * size > limit) break
    }
    const before = used()
    const t = now()
    await session.start(created, created + size, intervalMs, noop, noop)
    startMs += now() - t
    largestGrowth = Math.max(largestGrowth, used() - before)
    created += size
  }
  return { created, startMs }
}

/** CPU time (user + system, all threads) per second over a window of `ms`, in µs. */
const idleCpu = async (ms: number) => {
  const cpu0 = process.cpuUsage()
  const t = now()
  await sleep(ms)
  const cpu = process.cpuUsage(cpu0)
  return ((cpu.user + cpu.system) / (now() - t)) * 1000
}

const measureIdle = async (idleMs: number, timersBefore: number): Promise<IdleFigures> => {
  const resources = process.getActiveResourcesInfo()
  const timers = resources.filter((name) => name === "Timeout").length - timersBefore
  return {
    idleMs,
    idleCpuUsPerS: await idleCpu(idleMs),
    addedTimers: timers,
    activeResources: resources.length
  }
}

export const m1 = async (p: ScenarioParameters, makeSession: () => Session): Promise<M1Figures> => {
  const timersBefore = timeoutCount()
  await warmUp(makeSession, p.intervalMs)
  fullGc()
  const before = memory()
  const session = makeSession()
  const { created, startMs } = await startInBatches(session, p.n, Math.ceil(p.n / 10), p.intervalMs, 0.9)
  if (created < p.n) {
    return { fits: false, reached: created, heapLimit: heapLimit() }
  }
  fullGc()
  const after = memory()
  const idle = p.idleMs > 0 ? await measureIdle(p.idleMs, timersBefore) : undefined
  const t = now()
  await session.stop()
  const stopMs = now() - t
  return {
    fits: true,
    n: p.n,
    heapPerRepeater: (after.heap - before.heap) / p.n,
    rssPerRepeater: (after.rss - before.rss) / p.n,
    startMs,
    stopMs,
    ...(idle === undefined ? {} : { idle })
  }
}

export const m3 = async (p: ScenarioParameters, makeSession: () => Session, intervalMs: number): Promise<M3Figures> => {
  await warmUpFor(p, makeSession, intervalMs)
  let ticks = 0
  const session = makeSession()
  await session.start(0, p.n, intervalMs, () => {
    ticks++
  }, noop)
  const ticks0 = ticks
  const cpu0 = process.cpuUsage()
  const t = now()
  await sleep(Math.max(p.durationMs, 2 * intervalMs))
  const cpu = process.cpuUsage(cpu0)
  const elapsed = now() - t
  const done = ticks - ticks0
  await session.stop()
  const expected = p.n * Math.floor(elapsed / intervalMs)
  const cpuUs = cpu.user + cpu.system
  return {
    intervalMs,
    ticks: done,
    expected,
    achievedPercent: (done / expected) * 100,
    cpuUsPerTick: cpuUs / done,
    cpuPercentOfCore: (cpuUs / (elapsed * 1000)) * 100
  }
}

export const m4 = async (
  p: ScenarioParameters,
  makeSession: () => Session,
  intervalMs: number,
  contract: "delay" | "rate",
  wallSecond: boolean
): Promise<M4Figures> => {
  await warmUpFor(p, makeSession, intervalMs)
  const ticks = p.ticks
  // tick k of repeater i (k = 1..ticks) starts at starts[i * (ticks + 1) + k]; index 0 holds t0
  const starts = new Float64Array(p.n * (ticks + 1))
  const ends = new Float64Array(p.n * (ticks + 1))
  const counts = new Int32Array(p.n)
  let complete = 0
  const clock = wallSecond ? () => Date.now() : now
  const session = makeSession()
  await session.start(0, p.n, intervalMs, (i) => {
    const k = counts[i]! + 1
    if (k > ticks) return
    const start = clock()
    counts[i] = k
    starts[i * (ticks + 1) + k] = start
    if (k === ticks) complete++
    ends[i * (ticks + 1) + k] = clock()
  }, (i) => {
    const t0 = clock()
    starts[i * (ticks + 1)] = t0
    ends[i * (ticks + 1)] = t0
  })
  const deadline = now() + ticks * intervalMs * 3 + 10_000
  while (complete < p.n && now() < deadline) await sleep(intervalMs)
  await session.stop()

  const lateness: Array<number> = []
  const rateLateness: Array<number> = []
  const drift: Array<number> = []
  let duplicates = 0
  let skipped = 0
  let missing = 0
  for (let i = 0; i < p.n; i++) {
    const base = i * (ticks + 1)
    const t0 = starts[base]!
    missing += ticks - counts[i]!
    for (let k = 1; k <= counts[i]!; k++) {
      const start = starts[base + k]!
      // the grid slot the tick runs for: the latest at or before its start (up to interval/10 early), so that after
      // skipped slots or a catch-up run the ticks are measured against their own slot, not shifted by a count
      const slot = Math.max(1, Math.floor((start - t0) / intervalMs + 0.1))
      if (wallSecond) {
        // croner: against the wall-clock second the tick belongs to
        lateness.push(start - Math.floor(start / 1000) * 1000)
      } else {
        const onGrid = start - (t0 + slot * intervalMs)
        lateness.push(contract === "rate" ? onGrid : start - (ends[base + k - 1]! + intervalMs))
        rateLateness.push(onGrid)
      }
      if (k > 1) {
        const gap = start - starts[base + k - 1]!
        if (gap < intervalMs / 2) duplicates++
        if (gap > intervalMs * 1.5) skipped++
      }
    }
    if (!wallSecond && counts[i] === ticks) drift.push(starts[base + ticks]! - (t0 + ticks * intervalMs))
  }
  const sorted = (values: Array<number>) => Float64Array.from(values).sort()
  const late = sorted(lateness)
  const rateLate = sorted(rateLateness)
  const drifts = sorted(drift)
  return {
    intervalMs,
    ticks,
    contract,
    p50: percentileOfSorted(late, 50),
    p99: percentileOfSorted(late, 99),
    max: percentileOfSorted(late, 100),
    driftMedian: percentileOfSorted(drifts, 50),
    driftMax: percentileOfSorted(drifts, 100),
    rateP50: percentileOfSorted(rateLate, 50),
    rateP99: percentileOfSorted(rateLate, 99),
    duplicates,
    skipped,
    missing
  }
}

export const m5 = async (p: ScenarioParameters, makeSession: () => Session): Promise<M5Figures> => {
  await warmUp(makeSession, p.intervalMs)
  fullGc()
  const before = memory()
  const session = makeSession()
  const { created, startMs } = await startInBatches(session, p.n, p.batch, p.intervalMs, 0.9)
  fullGc()
  const after = memory()
  // a run that did not reach the target leaves without a timed stop (plain Effect: many seconds)
  let stopMs: number | undefined
  if (created === p.n) {
    const t = now()
    await session.stop()
    stopMs = now() - t
  }
  return {
    target: p.n,
    reached: created,
    heapBytes: after.heap - before.heap,
    heapPerRepeater: (after.heap - before.heap) / created,
    startMs,
    ...(stopMs === undefined ? {} : { stopMs }),
    heapLimit: heapLimit()
  }
}

/** The figures of one measurement (`p.measure`, other than `ended`) of one of `impls` (`p.impl`). */
export const measure = async (impls: Record<string, Impl>, p: ScenarioParameters): Promise<unknown> => {
  const impl = impls[p.impl]
  if (impl === undefined) throw new Error(`unknown implementation ${p.impl}`)
  const makeSession = await impl.setup()
  const intervalMs = impl.resolution === "second"
    ? Math.max(1000, Math.round(p.intervalMs / 1000) * 1000)
    : p.intervalMs
  const ticks = impl.resolution === "second" ? Math.min(p.ticks, 5) : p.ticks
  return p.measure === "m1" ?
    await m1(p, makeSession) :
    p.measure === "m3" ?
    await m3(p, makeSession, intervalMs) :
    p.measure === "m4" ?
    await m4({ ...p, ticks }, makeSession, intervalMs, impl.contract, impl.resolution === "second") :
    await m5(p, makeSession)
}
