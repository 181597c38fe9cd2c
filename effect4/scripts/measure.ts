// Rough figures of the Effect 4 core against plain Effect 4 (a fiber per repeater on Schedule.spaced): heap per idle
// repeater, and CPU per tick at n repeaters every `interval` ms. Each figure in a fresh process.
//
//   node --expose-gc --import ../node_modules/tsx/dist/loader.mjs scripts/measure.ts     all figures (Node 22)
//   ... scripts/measure.ts heap|cpu repeater|plain [n] [intervalMs]                 one figure
import { Duration, Effect, Exit, Layer, ManagedRuntime, Schedule, Scope } from "effect"
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Repeater } from "../packages/core/src/index.js"

type Kind = "repeater" | "plain"

const gc = (): void => {
  const collect = globalThis.gc
  if (collect === undefined) throw new Error("run with --expose-gc")
  for (let i = 0; i < 3; i++) collect()
}
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Starts n repeaters of `task` every `intervalMs` (the first one period from now); returns their stop. */
const start = async (kind: Kind, n: number, intervalMs: number, task: () => void): Promise<() => Promise<void>> => {
  const runtime = ManagedRuntime.make(kind === "repeater" ? Repeater.layer : Layer.empty)
  const scope = Effect.runSync(Scope.make())
  const effect = Effect.sync(task)
  await runtime.runPromise(
    Effect.forEach(
      Array.from({ length: n }, (_, i) => i),
      (i) =>
        kind === "repeater" ?
          Effect.asVoid(Repeater.fork(effect, { name: `r${i}`, every: intervalMs, waitFirst: true })) :
          Effect.asVoid(Effect.forkIn(Effect.schedule(effect, Schedule.spaced(Duration.millis(intervalMs))), scope)),
      { discard: true }
    ).pipe(Scope.provide(scope))
  )
  return async () => {
    await runtime.runPromise(Scope.close(scope, Exit.void))
    await runtime.dispose()
  }
}

const heap = async (kind: Kind, n: number) => {
  const warm = await start(kind, 1_000, 3_600_000, () => {})
  await warm()
  gc()
  const before = process.memoryUsage().heapUsed
  const stop = await start(kind, n, 3_600_000, () => {})
  await sleep(100)
  gc()
  const after = process.memoryUsage().heapUsed
  await stop()
  return { kind, n, bytesPerIdleRepeater: Math.round((after - before) / n) }
}

const cpu = async (kind: Kind, n: number, intervalMs: number, durationMs = 5_000) => {
  const warm = await start(kind, n, intervalMs, () => {})
  await sleep(500)
  await warm()
  let ticks = 0
  const stop = await start(kind, n, intervalMs, () => {
    ticks++
  })
  await sleep(2 * intervalMs)
  const ticks0 = ticks
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await sleep(durationMs)
  const used = process.cpuUsage(cpu0)
  const elapsed = performance.now() - t0
  const done = ticks - ticks0
  await stop()
  const expected = n * Math.floor(elapsed / intervalMs)
  return {
    kind,
    n,
    intervalMs,
    cpuUsPerTick: Number(((used.user + used.system) / done).toFixed(2)),
    ticksAchievedPercent: Number(((done / expected) * 100).toFixed(1)),
    cpuPercentOfCore: Number((((used.user + used.system) / (elapsed * 1000)) * 100).toFixed(1))
  }
}

const [what, kindArg, nArg, intervalArg] = process.argv.slice(2)
if (what === undefined) {
  const self = fileURLToPath(import.meta.url)
  const run = (...args: Array<string>) =>
    execFileSync(process.execPath, [...process.execArgv, self, ...args], { encoding: "utf8" }).trim()
  console.log(`Node ${process.version}`)
  for (const kind of ["repeater", "plain"]) {
    for (let i = 0; i < 2; i++) console.log(run("heap", kind, "100000"))
  }
  for (const kind of ["repeater", "plain"]) {
    for (let i = 0; i < 2; i++) console.log(run("cpu", kind, "1000", "10"))
  }
} else {
  const kind = kindArg === "plain" ? "plain" : "repeater"
  const result = what === "heap" ?
    await heap(kind, Number(nArg ?? 100_000)) :
    await cpu(kind, Number(nArg ?? 1_000), Number(intervalArg ?? 10))
  console.log(JSON.stringify(result))
}
