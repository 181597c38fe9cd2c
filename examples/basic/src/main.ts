/**
 * A few repeaters print what they do for about 15 seconds, then the program
 * stops them gracefully and prints their final status. Ctrl-C (SIGINT) or
 * SIGTERM stops them gracefully at any time: the in-flight run of "slow-report"
 * gets its grace period to finish.
 */
import { Repeater } from "@effect-repeater/core"
import type { RepeaterStatus } from "@effect-repeater/core/RepeaterHandle"
import { NodeRuntime } from "@effect/platform-node"
import { Console, DateTime, Duration, Effect, Layer, Logger, Option, Random } from "effect"

const DEMO_LENGTH = Duration.seconds(Number(process.env.DEMO_SECONDS ?? 15))

// Every 2 seconds, measured from the end of the previous run (the default "delay" mode).
const heartbeat = Repeater.fork(
  Effect.log("still alive"),
  { name: "heartbeat", every: "2 seconds" }
)

// On the grid 0, 1, 2, ... s without drift ("rate" mode). A run takes 2.5 s, so runs never
// overlap: each overrun is followed at once by exactly one run, the other missed ticks are skipped.
const slowReport = Repeater.fork(
  Effect.log("building a slow report...").pipe(
    Effect.zipRight(Effect.sleep("2500 millis")),
    Effect.zipRight(Effect.log("report done")),
    Effect.onInterrupt(() => Effect.log("report interrupted: cleaning up"))
  ),
  { name: "slow-report", every: "1 second", mode: "rate", grace: "3 seconds" }
)

// Fails now and then: every failure is logged with its full Cause, and the schedule goes on.
const flaky = Repeater.fork(
  Effect.flatMap(Random.nextBoolean, (ok) =>
    ok ?
      Effect.log("synced") :
      Effect.fail(new Error("upstream answered 503"))),
  { name: "flaky-sync", every: "3 seconds", initialDelay: "1 second" }
)

// A cron expression with seconds, in a named time zone.
const cron = Repeater.fork(
  Effect.flatMap(
    DateTime.now,
    (now) =>
      Effect.log(`cron tick, Berlin time ${DateTime.formatIsoZoned(DateTime.unsafeSetZoneNamed(now, "Europe/Berlin"))}`)
  ),
  { name: "cron-every-5s", cron: "*/5 * * * * *", timeZone: "Europe/Berlin" }
)

// Three runs, then it completes and `join` returns.
const countdown = Repeater.fork(
  Effect.log("countdown"),
  { name: "countdown", every: "4 seconds", maxRepetitions: 3 }
)

const formatStatus = (status: RepeaterStatus) =>
  `${status.name.padEnd(14)} ${status.state.padEnd(10)} runs=${status.runs} failures=${status.failures} ` +
  `skipped=${status.skippedTicks}` +
  Option.match(status.lastFailure, { onNone: () => "", onSome: (cause) => ` last failure: ${cause.split("\n")[0]}` })

const program = Effect.gen(function*() {
  yield* Console.log(`effect-repeater demo: ${Duration.format(DEMO_LENGTH)}, Ctrl-C to stop early`)
  yield* heartbeat
  yield* slowReport
  yield* flaky
  yield* cron
  const countdownHandle = yield* countdown
  yield* countdownHandle.join.pipe(
    Effect.zipRight(Effect.log("countdown completed after 3 runs")),
    Effect.forkScoped
  )

  yield* Effect.sleep(DEMO_LENGTH)
  yield* Console.log("\nfinal status before the graceful stop:")
  for (const status of yield* Repeater.list) {
    yield* Console.log("  " + formatStatus(status))
  }
}).pipe(
  Effect.scoped,
  Effect.ensuring(Console.log("all repeaters stopped")),
  Effect.provide(Layer.merge(Repeater.layer, Logger.pretty))
)

NodeRuntime.runMain(program)
