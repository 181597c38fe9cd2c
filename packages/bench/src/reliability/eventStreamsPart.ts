/**
 * Event streams under load: runs `src/eventStreams.ts` (500 streams, 40 events a second, `GET /health` every 50 ms),
 * once plain and once with the server profiled (`--cpu-prof`), and reads where the server's time goes.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { packageDir } from "../internal/child.js"

/** The figures of the event-stream part. */
export interface StreamFigures {
  readonly streams: number
  readonly rate: number
  readonly seconds: number
  readonly requests: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly eventsPerStreamPerSecond: number
  /** The server's CPU profile (a second run): share of the samples by where they fall, the largest first. */
  readonly profile: ReadonlyArray<readonly [string, number]>
  /** The same run's `/health` p99 (profiling slows the server). */
  readonly profiledP99: number
}

interface Run {
  readonly requests: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly perStream: number
}

const runOnce = (streams: number, rate: number, seconds: number, profileDir?: string): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      "--import",
      "tsx",
      path.join(packageDir, "src", "eventStreams.ts"),
      "--streams",
      String(streams),
      "--rate",
      String(rate),
      "--seconds",
      String(seconds)
    ], {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "pipe"],
      env: profileDir === undefined ? process.env : { ...process.env, BENCH_SERVER_PROF: profileDir }
    })
    let output = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => output += chunk)
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => output += chunk)
    child.on("close", (code) => {
      const health = /over (\d+) requests: p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms/.exec(output)
      const events = /\(([\d.]+) per stream per second\)/.exec(output)
      if (code !== 0 || health === null || events === null) {
        reject(new Error(`eventStreams.ts failed (exit ${code}):\n${output}`))
        return
      }
      resolve({
        requests: Number(health[1]),
        p50: Number(health[2]),
        p99: Number(health[3]),
        max: Number(health[4]),
        perStream: Number(events[1])
      })
    })
  })

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string }
}

/** Where a sample falls: a package (or Node's internals, the GC, idle time), with the function for the top ones. */
const placeOf = (node: ProfileNode): string => {
  const { functionName, url } = node.callFrame
  if (url === "") return functionName // (garbage collector), (idle), (program)
  if (url.startsWith("node:")) return `node internals (${url.replace(/^node:(internal\/)?/, "").split("/")[0]})`
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg !== null) return pkg[1]!
  const workspace = /packages\/([^/]+)\//.exec(url)
  return workspace === null ? path.basename(url) : `@effect-repeater/${workspace[1]}`
}

/** The share of the samples of a `.cpuprofile` by place. */
const readProfile = (file: string): Array<readonly [string, number]> => {
  const profile: { nodes: Array<ProfileNode>; samples: Array<number> } = JSON.parse(readFileSync(file, "utf8"))
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const counts = new Map<string, number>()
  for (const id of profile.samples) {
    const node = byId.get(id)
    if (node === undefined) continue
    const place = placeOf(node)
    counts.set(place, (counts.get(place) ?? 0) + 1)
  }
  const total = profile.samples.length
  return [...counts].map(([place, n]) => [place, (n / total) * 100] as const).sort((a, b) => b[1] - a[1]).slice(0, 10)
}

/** Measures the event streams, then profiles the server in a second run. */
export const runStreams = async (streams: number, rate: number, seconds: number): Promise<StreamFigures> => {
  const plain = await runOnce(streams, rate, seconds)
  const dir = mkdtempSync(path.join(tmpdir(), "bench-streams-prof-"))
  try {
    const profiled = await runOnce(streams, rate, seconds, dir)
    // the server writes its profile when it exits (SIGTERM): wait a little for it
    let files: Array<string> = []
    for (let i = 0; i < 100 && files.length === 0; i++) {
      files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))
      if (files.length === 0) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return {
      streams,
      rate,
      seconds,
      requests: plain.requests,
      p50: plain.p50,
      p99: plain.p99,
      max: plain.max,
      eventsPerStreamPerSecond: plain.perStream,
      profile: files.length === 0 ? [] : readProfile(path.join(dir, files[0]!)),
      profiledP99: profiled.p99
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
