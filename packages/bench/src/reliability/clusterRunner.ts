/**
 * One cluster runner of the reliability section: `node --import tsx clusterRunner.ts '<json RunnerOptions>'`.
 *
 * It runs `repeaters` cluster repeaters `job-0` … in rate mode every `everyMs` (default 1000) with
 * `missed: "runOnce"`; each run inserts its repeater's name and its tick's scheduled instant into the table `ticks`
 * (PRIMARY KEY: a tick run twice fails the insert). `BENCH_CLOCK_OFFSET_MS` sets this process's Effect `Clock` that
 * far ahead (or behind) of the machine's, as a runner with a wrong clock would be. `BENCH_SHARDS_PER_GROUP` sets
 * `shardsPerGroup` (default: `ClusterRunner.layer`'s).
 *
 * It prints one JSON line per event on stdout: `ready`, `holding` (it took a repeater, with its `name`), `run`
 * (before the insert, with `name` and `scheduledAt`), `inserted`, `duplicate` (the insert failed on the key),
 * `insertFailed` (another error), `log` (a Warning or Error line, with `level` and the start of its `message`), and
 * every second `stats` (`statements`: the SQL statements this process has run, counted from the `sql.execute` spans
 * of `@effect/sql`; `runs`). With `quiet`, the `run` and `inserted` events are left out (1,000 repeaters).
 */
import { ClusterRepeater, ClusterRunner, CurrentTick } from "@effect-repeater/cluster"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Tracer from "effect/Tracer"

/** What a runner is started with. */
export interface RunnerOptions {
  readonly port: number
  readonly sqlite?: string
  readonly pg?: string
  readonly repeaters?: number
  readonly everyMs?: number
  readonly quiet?: boolean
}

const options: RunnerOptions = JSON.parse(process.argv[2] ?? "{}")
const pid = process.pid
const offsetMs = Number(process.env.BENCH_CLOCK_OFFSET_MS ?? "0")

const print = (event: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(JSON.stringify({ event, pid, at: Date.now(), ...fields }) + "\n")

const emit = (event: string, fields: Record<string, unknown> = {}) => Effect.sync(() => print(event, fields))

let statements = 0
let runs = 0

/** The default tracer, counting the statements `@effect/sql` runs (each in a `sql.execute` span). */
const CountingTracer = Layer.unwrapEffect(Effect.map(Effect.tracer, (base) =>
  Layer.setTracer(Tracer.make({
    span: (name, parent, context, links, startTime, kind, spanOptions) => {
      if (name === "sql.execute") statements++
      return base.span(name, parent, context, links, startTime, kind, spanOptions)
    },
    context: base.context
  }))))

/** The machine's clock moved by `offsetMs`: its sleeps are the machine's. */
const OffsetClock = Layer.unwrapEffect(Effect.map(Effect.clock, (base) => {
  const millis = () => base.unsafeCurrentTimeMillis() + offsetMs
  const nanos = () => base.unsafeCurrentTimeNanos() + BigInt(Math.round(offsetMs * 1_000_000))
  return Layer.setClock({
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: millis,
    currentTimeMillis: Effect.sync(millis),
    unsafeCurrentTimeNanos: nanos,
    currentTimeNanos: Effect.sync(nanos),
    sleep: (duration) => base.sleep(duration)
  })
}))

const createTicks = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`CREATE TABLE IF NOT EXISTS ticks (
    name VARCHAR(64) NOT NULL,
    scheduled_at BIGINT NOT NULL,
    runner INTEGER NOT NULL,
    PRIMARY KEY (name, scheduled_at)
  )`.pipe(Effect.retry({ times: 20, schedule: Schedule.spaced("200 millis") })))

const isDuplicate = (error: unknown): boolean => /unique|duplicate|PRIMARY KEY/i.test(String(error))

const job = (name: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const tick = yield* CurrentTick
    const scheduledAt = tick.scheduledAt.epochMillis
    runs++
    if (options.quiet !== true) yield* emit("run", { name, scheduledAt, catchUp: tick.catchUp })
    yield* sql`INSERT INTO ticks (name, scheduled_at, runner) VALUES (${name}, ${scheduledAt}, ${pid})`.pipe(
      Effect.tapError((error) =>
        emit(isDuplicate(error) ? "duplicate" : "insertFailed", { name, scheduledAt, error: String(error) })
      )
    )
    if (options.quiet !== true) yield* emit("inserted", { name, scheduledAt })
  })

const storage: ClusterRunner.ClusterStorage = options.pg !== undefined ?
  { pg: { url: Redacted.make(options.pg), maxConnections: 4 } } :
  { sqlite: options.sqlite ?? "cluster.db" }

const shardsPerGroup = process.env.BENCH_SHARDS_PER_GROUP === undefined ?
  undefined :
  Number(process.env.BENCH_SHARDS_PER_GROUP)

const Runner = ClusterRunner.layer({ storage, port: options.port, shardsPerGroup })

const count = options.repeaters ?? 1
const Jobs = Layer.mergeAll(
  Layer.empty,
  ...Array.from({ length: count }, (_, k) =>
    ClusterRepeater.layer(job(`job-${k}`), {
      name: `job-${k}`,
      every: Duration.millis(options.everyMs ?? 1000),
      mode: "rate",
      missed: "runOnce",
      grace: "2 seconds"
    }))
)

const Ready = Layer.scopedDiscard(Effect.gen(function*() {
  yield* createTicks
  yield* emit("ready", { offsetMs })
  yield* Effect.addFinalizer(() => emit("stopping"))
  yield* Effect.forkScoped(Effect.repeat(
    Effect.suspend(() => emit("stats", { statements, runs })),
    Schedule.spaced("1 second")
  ))
}))

const Main = Layer.mergeAll(Jobs, Ready).pipe(Layer.provide(Runner))

// "... is now held by ..." when this runner takes a repeater; every Warning and Error line, counted by the bench
const EventLogger = Logger.add(Logger.make(({ cause, logLevel, message }) => {
  const text = Array.isArray(message) ? message.join(" ") : String(message)
  const held = /Cluster repeater "([^"]+)" is now held by/.exec(text)
  if (held !== null) print("holding", { name: held[1], message: text })
  if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) {
    print("log", {
      level: logLevel.label,
      message: text.slice(0, 200),
      ...(Cause.isEmpty(cause) ? {} : { cause: Cause.pretty(cause).slice(0, 400) })
    })
  }
}))

Layer.launch(Main).pipe(
  Effect.provide(Layer.mergeAll(EventLogger, CountingTracer, OffsetClock)),
  Logger.withMinimumLogLevel(LogLevel.Info),
  NodeRuntime.runMain
)
