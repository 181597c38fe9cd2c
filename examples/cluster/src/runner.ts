/**
 * One runner of the demo cluster: `node --import tsx src/runner.ts <port> <sqlite file>`.
 *
 * Every runner adds the same `ClusterRepeater` layer; the cluster runs it on
 * one of them. Each run prints a JSON line that `main.ts` reads.
 */
import { ClusterRepeater, ClusterRunner, CurrentTick } from "@effect-repeater/cluster"
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Logger, LogLevel } from "effect"

const port = Number(process.argv[2])
const filename = process.argv[3] ?? "cluster.db"

const say = (event: string, fields: Record<string, unknown> = {}) =>
  Effect.sync(() => console.log(JSON.stringify({ event, pid: process.pid, port, at: Date.now(), ...fields })))

// The work: print the tick it stands for (the same instant on whichever runner runs it).
const report = Effect.flatMap(
  CurrentTick,
  (tick) => say("run", { scheduledAt: tick.scheduledAt.epochMillis, catchUp: tick.catchUp })
)

const Report = ClusterRepeater.layer(report, { name: "report", every: "1 second", mode: "rate", missed: "runOnce" })

const Runner = ClusterRunner.layer({ storage: { sqlite: filename }, port })

const Ready = Layer.scopedDiscard(Effect.zipRight(say("ready"), Effect.addFinalizer(() => say("stopped"))))

Layer.launch(Layer.mergeAll(Report, Ready).pipe(Layer.provide(Runner))).pipe(
  Logger.withMinimumLogLevel(LogLevel.Warning),
  NodeRuntime.runMain
)
