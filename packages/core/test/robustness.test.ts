/**
 * Robustness: races between stop / pause / resume / runNow / a run ending /
 * scope and layer close, the dispatcher's heap under many repeaters, what is
 * released after a repeater ends, and behaviours the README names.
 */
import { Repeater } from "@effect-repeater/core"
import { RepeaterConfigError, RepeaterScheduleError } from "@effect-repeater/core/RepeaterError"
import type { RepeaterEvent } from "@effect-repeater/core/RepeaterEvent"
import type { RepeaterHandle } from "@effect-repeater/core/RepeaterHandle"
import { assert, describe, it } from "@effect/vitest"
import {
  Cause,
  DateTime,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Schedule,
  Scope,
  Stream,
  TestClock
} from "effect"
import { vi } from "vitest"
import { Dispatcher, type DispatchItem } from "../src/internal/dispatcher.js"
import { mark, now, steppableClock } from "./support/time.js"

/** A task that records the virtual time of each start and then lasts `millis`. */
const recorder = (millis = 0) => {
  const starts: Array<number> = []
  const task = Effect.flatMap(now, (t) =>
    Effect.zipRight(
      Effect.sync(() => void starts.push(t)),
      millis > 0 ? Effect.sleep(Duration.millis(millis)) : Effect.void
    ))
  return { starts, task }
}

const isPending = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.map(Fiber.poll(fiber), Option.isNone)

// -----------------------------------------------------------------------------
// Scopes
// -----------------------------------------------------------------------------

const isScheduleFailure = (cause: Cause.Cause<unknown>): boolean =>
  Option.exists(Cause.failureOption(cause), (error) => error instanceof RepeaterScheduleError)

describe("robustness: scope close", () => {
  it.scoped(
    "finalizers of one Scope run in reverse order: a resource acquired before a repeater's fork outlives that repeater",
    () =>
      Effect.gen(function*() {
        const log: Array<string> = []
        const scope = yield* Scope.make()
        // the first repeater forked in the Scope makes the Scope's group (and its single finalizer)
        yield* Repeater.fork(Effect.void, { name: "first", every: "1 hour", waitFirst: true }).pipe(
          Scope.extend(scope)
        )
        // a resource the second repeater uses, acquired before it is forked
        yield* Effect.acquireRelease(mark(log, "acquired"), () => mark(log, "released")).pipe(Scope.extend(scope))
        yield* Repeater.fork(
          Effect.zipRight(mark(log, "run start"), Effect.zipRight(Effect.sleep("5 seconds"), mark(log, "run end"))),
          { name: "user", every: "10 seconds" }
        ).pipe(Scope.extend(scope))
        yield* TestClock.adjust("2 seconds")
        const closing = yield* Effect.fork(Scope.close(scope, Exit.void))
        yield* TestClock.adjust("10 seconds")
        yield* Fiber.join(closing)
        // with Scope semantics (last in, first out), the repeater is stopped (its run given its grace)
        // before the resource it uses is released
        assert.deepStrictEqual(log, ["acquired@0", "run start@0", "run end@5000", "released@5000"])
      }).pipe(Effect.provide(Repeater.layer))
  )

  it.scoped("a repeater forked into a Scope that is already closing is stopped at once, as a Scope finalizer would be", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const scope = yield* Scope.make()
      yield* Repeater.fork(
        Effect.zipRight(mark(log, "slow start"), Effect.sleep("1 minute")),
        { name: "slow", every: "1 hour", grace: "5 seconds" }
      ).pipe(Scope.extend(scope))
      yield* TestClock.adjust("1 second")
      // the Scope closes: its group waits up to 5 s for the slow run
      const closing = yield* Effect.fork(Scope.close(scope, Exit.void))
      yield* TestClock.adjust("1 second")
      const late = yield* Repeater.fork(mark(log, "late"), { name: "late", every: "1 second" }).pipe(
        Scope.extend(scope)
      )
      yield* TestClock.adjust("4 seconds")
      yield* Fiber.join(closing)
      yield* TestClock.adjust("5 seconds")
      const state = (yield* late.status).state
      const listed = (yield* Repeater.list).map((status) => status.name)
      yield* late.stop()
      // Scope.addFinalizer on a closed (or closing) Scope runs the finalizer at once
      assert.deepStrictEqual(log, ["slow start@0"])
      assert.strictEqual(state, "stopped")
      assert.deepStrictEqual(listed, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a repeater forked inside a run lives in that run's Scope: it is stopped when the run ends", () =>
    Effect.gen(function*() {
      const inner = recorder()
      const outer = Effect.zipRight(
        Repeater.fork(inner.task, { name: "inner", every: "1 second" }),
        Effect.sleep("2500 millis")
      )
      const handle = yield* Repeater.fork(outer, { name: "outer", every: "1 minute" })
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(inner.starts, [0, 1_000, 2_000])
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["outer"])
      // the name is free again: the next outer run (delay mode: at 2.5 s + 1 min) forks it anew
      yield* TestClock.adjust("60 seconds")
      assert.deepStrictEqual(inner.starts, [0, 1_000, 2_000, 62_500, 63_500, 64_500])
      assert.strictEqual(yield* handle.stop(), "idle")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a repeater that ends on its own leaves its Scope: closing the Scope later does not report it stopped", () =>
    Effect.gen(function*() {
      const received: Array<string> = []
      yield* Effect.fork(
        Stream.runForEach(Repeater.events, (event: RepeaterEvent) =>
          Effect.sync(() => {
            if (event._tag === "Completed" || event._tag === "Stopped" || event._tag === "Failed") {
              received.push(`${event._tag} ${event.name}`)
            }
          }))
      )
      yield* TestClock.adjust("0 millis")
      const scope = yield* Scope.make()
      yield* Repeater.fork(Effect.void, { name: "done", every: "1 second", maxRepetitions: 2 }).pipe(
        Scope.extend(scope)
      )
      yield* Repeater.fork(Effect.fail("boom"), { name: "broken", every: "1 second", onError: "stop" }).pipe(
        Scope.extend(scope)
      )
      yield* Repeater.fork(Effect.void, { name: "running", every: "1 second" }).pipe(Scope.extend(scope))
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual((yield* Repeater.list).map((status) => status.name), ["running"])
      yield* Scope.close(scope, Exit.void)
      yield* TestClock.adjust("0 millis")
      assert.deepStrictEqual(received, ["Failed broken", "Completed done", "Stopped running"])
      assert.deepStrictEqual(yield* Repeater.list, [])
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// Stop
// -----------------------------------------------------------------------------

describe("robustness: stop", () => {
  it.scoped(
    "stop from a fiber that an earlier run left behind is not a stop from the run in flight: it gets the grace",
    () =>
      Effect.gen(function*() {
        const log: Array<string> = []
        let run = 0
        const task = Effect.gen(function*() {
          const index = ++run
          yield* mark(log, `start ${index}`)
          if (index === 1) {
            // a watchdog that outlives run 1 and stops the repeater later, during run 2
            yield* Effect.forkDaemon(
              Effect.sleep("15 seconds").pipe(
                Effect.zipRight(
                  Effect.flatMap(Repeater.get("watched"), (handle) => handle.stop({ grace: "1 second" }))
                ),
                Effect.flatMap((result) => mark(log, `watchdog stop ${result}`))
              )
            )
          } else {
            yield* Effect.sleep("1 minute")
            yield* mark(log, `end ${index}`)
          }
        })
        const handle = yield* Repeater.fork(task, { name: "watched", every: "10 seconds" })
        yield* TestClock.adjust("20 seconds")
        const state = (yield* handle.status).state
        yield* TestClock.adjust("2 minutes")
        // run 2 (10 s to 70 s) is in flight at 15 s: it gets 1 s of grace and is interrupted at 16 s
        assert.deepStrictEqual(log, ["start 1@0", "start 2@10000", "watchdog stop interrupted@16000"])
        assert.strictEqual(state, "stopped")
      }).pipe(Effect.provide(Repeater.layer))
  )

  it.scoped("a run that stops its own repeater while an outside stop waits for it is not blocked by that stop", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.gen(function*() {
        yield* mark(log, "start")
        yield* Effect.sleep("5 seconds")
        const self = yield* Repeater.get("self-stopping")
        yield* mark(log, `self stop ${yield* self.stop()}`)
      })
      const handle = yield* Repeater.fork(task, { name: "self-stopping", every: "1 minute" })
      yield* TestClock.adjust("1 second")
      const outside = yield* Effect.fork(Effect.zip(handle.stop(), now))
      yield* TestClock.adjust("40 seconds")
      // "called from inside the repeater's own run, stop cannot wait for that run: it returns at once"
      assert.deepStrictEqual(log, ["start@0", "self stop finished@5000"])
      assert.deepStrictEqual(yield* Fiber.join(outside), ["finished", 5_000])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a run that stops its own repeater from an onError handler while an outside stop waits does not deadlock", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      // the service and the repeater live in Scopes of their own, closed only if nothing hangs
      const layerScope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layer, layerScope)
      const repeaterScope = yield* Scope.make()
      const task = Effect.zipRight(
        mark(log, "start"),
        Effect.zipRight(Effect.sleep("1500 millis"), Effect.fail("boom"))
      )
        .pipe(
          // a common pattern: stop the repeater when a run fails (onError handlers are uninterruptible)
          Effect.onError(() =>
            Effect.flatMap(
              Effect.orDie(Effect.flatMap(Repeater.get("stop-on-error"), (self) => self.stop())),
              (result) => mark(log, `self stop ${result}`)
            )
          )
        )
      const handle = yield* Repeater.fork(task, { name: "stop-on-error", every: "1 minute", grace: "2 seconds" }).pipe(
        Effect.provide(context),
        Scope.extend(repeaterScope)
      )
      yield* TestClock.adjust("1 second")
      const outside = yield* Effect.fork(Effect.zip(handle.stop(), now))
      yield* TestClock.adjust("1 minute")
      const outsideDone = Option.isSome(yield* Fiber.poll(outside))
      assert.deepStrictEqual(log, ["start@0", "self stop finished@1500"])
      assert.isTrue(outsideDone, "the outside stop never resolves: the run waits for it, it waits for the run")
      assert.deepStrictEqual(yield* Fiber.join(outside), ["finished", 1_500])
      yield* Scope.close(repeaterScope, Exit.void)
      yield* Scope.close(layerScope, Exit.void)
    }))

  it.scoped("stop called from another repeater's run gives the stopped repeater its grace", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      yield* Repeater.fork(
        Effect.zipRight(
          mark(log, "worker start"),
          Effect.zipRight(Effect.sleep("10 seconds"), mark(log, "worker end"))
        ),
        { name: "worker", every: "1 minute" }
      )
      yield* Repeater.fork(
        Effect.flatMap(
          Effect.flatMap(Repeater.get("worker"), (worker) => worker.stop({ grace: "1 second" })),
          (result) => mark(log, `stopper got ${result}`)
        ),
        { name: "stopper", every: "1 hour", initialDelay: "2 seconds" }
      )
      yield* TestClock.adjust("20 seconds")
      assert.deepStrictEqual(log, ["worker start@0", "stopper got interrupted@3000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a run that would end exactly when the grace runs out is reported interrupted (the grace wins the tie)", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const handle = yield* Repeater.fork(
        Effect.zipRight(Effect.sleep("6 seconds"), mark(log, "end")),
        { name: "tie", every: "1 minute" }
      )
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.fork(handle.stop({ grace: "5 seconds" }))
      yield* TestClock.adjust("5 seconds")
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
      assert.deepStrictEqual(log, [])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("after stop, runNow / pause / resume do nothing and no timer is left", () =>
    Effect.gen(function*() {
      const { starts, task } = recorder()
      const handle = yield* Repeater.fork(task, { name: "done", every: "10 seconds" })
      yield* TestClock.adjust("1 second")
      yield* handle.pause
      assert.strictEqual(yield* handle.stop(), "idle")
      yield* handle.resume
      yield* handle.runNow
      yield* handle.pause
      yield* handle.resume
      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(starts, [0])
      const status = yield* handle.status
      assert.strictEqual(status.state, "stopped")
      assert.isTrue(Option.isNone(status.nextRun))
      assert.isFalse(status.inFlight)
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// The run's own Scope (finalizers the task adds)
// -----------------------------------------------------------------------------

describe("robustness: finalizers the task adds are part of its run", () => {
  it.scoped("runs never overlap, even while a run's finalizers are still running", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      let open = 0
      let maxOpen = 0
      const task = Effect.gen(function*() {
        open++
        maxOpen = Math.max(maxOpen, open)
        yield* mark(log, "start")
        yield* Effect.addFinalizer(() =>
          Effect.zipRight(
            Effect.sleep("3 seconds"),
            Effect.zipRight(
              mark(log, "finalized"),
              Effect.sync(() => {
                open--
              })
            )
          )
        )
      })
      const handle = yield* Repeater.fork(task, { name: "cleanup", every: "1 second" })
      yield* TestClock.adjust("8 seconds")
      const stopping = yield* Effect.fork(handle.stop({ grace: "0 millis" }))
      yield* TestClock.adjust("3 seconds")
      yield* Fiber.join(stopping)
      // a run ends when its finalizers have run: the next one starts 1 s after that
      assert.deepStrictEqual(log.slice(0, 5), [
        "start@0",
        "finalized@3000",
        "start@4000",
        "finalized@7000",
        "start@8000"
      ])
      assert.strictEqual(maxOpen, 1)
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("runNow while a run's finalizers are running is coalesced into one run after them", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.zipRight(
        mark(log, "start"),
        Effect.addFinalizer(() => Effect.zipRight(Effect.sleep("3 seconds"), mark(log, "finalized")))
      )
      const handle = yield* Repeater.fork(task, { name: "manual", every: "1 minute" })
      yield* TestClock.adjust("1 second")
      yield* handle.runNow
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(log, ["start@0", "finalized@3000", "start@3000", "finalized@6000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("with a timeout (each attempt scoped), a run's finalizers are inside the run: no overlap", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.zipRight(
        mark(log, "start"),
        Effect.addFinalizer(() => Effect.zipRight(Effect.sleep("3 seconds"), mark(log, "finalized")))
      )
      const handle = yield* Repeater.fork(task, { name: "cleanup", every: "1 second", timeout: "1 minute" })
      yield* TestClock.adjust("8 seconds")
      assert.deepStrictEqual(log, ["start@0", "finalized@3000", "start@4000", "finalized@7000", "start@8000"])
      const stopping = yield* Effect.fork(handle.stop({ grace: "0 millis" }))
      yield* TestClock.adjust("3 seconds")
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("stop while a run's finalizers are running waits for them and reports \"finished\"", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const task = Effect.zipRight(
        mark(log, "start"),
        Effect.addFinalizer(() => Effect.zipRight(Effect.sleep("3 seconds"), mark(log, "finalized")))
      )
      const handle = yield* Repeater.fork(task, { name: "cleanup", every: "1 minute" })
      yield* TestClock.adjust("1 second")
      const stopping = yield* Effect.fork(Effect.zip(handle.stop(), now))
      yield* TestClock.adjust("0 millis")
      const pendingAt1s = yield* isPending(stopping)
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual(yield* Fiber.join(stopping), ["finished", 3_000])
      assert.isTrue(pendingAt1s)
      assert.deepStrictEqual(log, ["start@0", "finalized@3000"])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a finalizer that dies makes its run a failed run, and the schedule goes on", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const task = Effect.gen(function*() {
        starts.push(yield* now)
        const first = starts.length === 1
        yield* Effect.addFinalizer(() => first ? Effect.die("finalizer broke") : Effect.void)
      })
      const handle = yield* Repeater.fork(task, { name: "leaky", schedule: Schedule.spaced("10 seconds") })
      yield* TestClock.adjust("25 seconds")
      const status = yield* handle.status
      assert.deepStrictEqual(starts, [0, 10_000, 20_000])
      assert.strictEqual(status.failures, 1)
      assert.strictEqual(status.runs, 3)
      assert.include(Option.getOrElse(status.lastFailure, () => ""), "finalizer broke")
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// Repeaters that could get stuck, or never end
// -----------------------------------------------------------------------------

describe("robustness: a repeater never gets stuck", () => {
  it.scoped("a schedule that dies when stepped ends the repeater failed; join does not hang", () =>
    Effect.gen(function*() {
      const { starts, task } = recorder()
      const schedule = Schedule.spaced("10 seconds").pipe(
        Schedule.tapOutput((step) => step >= 1 ? Effect.die("schedule broke") : Effect.void)
      )
      const handle = yield* Repeater.fork(task, { name: "broken-schedule", schedule })
      const joined = yield* Effect.fork(Effect.exit(handle.join))
      yield* TestClock.adjust("1 minute")
      const status = yield* handle.status
      const joinExit = yield* Fiber.poll(joined)
      assert.deepStrictEqual(starts, [0, 10_000])
      assert.strictEqual(status.state, "failed")
      assert.isTrue(Option.isSome(joinExit))
      if (Option.isSome(joinExit)) {
        const exit = joinExit.value
        // (join fails with a RepeaterScheduleError carrying the defect)
        assert.isTrue(Exit.isSuccess(exit) && Exit.isFailure(exit.value) && isScheduleFailure(exit.value.cause))
      }
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("maxRepetitions bounds the runs even when runs end interrupted", () =>
    Effect.gen(function*() {
      const { starts, task } = recorder()
      const handle = yield* Repeater.fork(
        Effect.zipRight(task, Effect.interrupt),
        { name: "self-interrupting", every: "10 seconds", maxRepetitions: 1 }
      )
      yield* TestClock.adjust("35 seconds")
      const state = (yield* handle.status).state
      yield* handle.stop()
      // "at most this many runs": one run, then the repeater completes
      assert.deepStrictEqual(starts, [0])
      assert.strictEqual(state, "completed")
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a schedule that dies while planning the first run leaves no repeater behind and frees its name", () =>
    Effect.gen(function*() {
      const schedule = Schedule.spaced("1 second").pipe(Schedule.tapOutput(() => Effect.die("broken schedule")))
      const handle = yield* Repeater.fork(Effect.void, { name: "zombie", waitFirst: true, schedule })
      // like a schedule that dies later: the repeater ends failed, join fails with a RepeaterScheduleError
      const joined = yield* Effect.exit(handle.join)
      assert.isTrue(Exit.isFailure(joined) && isScheduleFailure(joined.cause))
      assert.strictEqual((yield* handle.status).state, "failed")
      assert.deepStrictEqual(yield* Repeater.list, [])
      const again = yield* Effect.exit(Repeater.fork(Effect.void, { name: "zombie", every: "1 second" }))
      assert.isTrue(Exit.isSuccess(again))
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("a huge but finite every is rejected at construction or leaves list and status readable", () =>
    Effect.gen(function*() {
      yield* Repeater.fork(Effect.void, { name: "healthy", every: "1 second" })
      const exit = yield* Effect.exit(
        Repeater.fork(Effect.void, { name: "manual-only", every: Number.MAX_SAFE_INTEGER })
      )
      yield* TestClock.adjust("0 millis")
      if (Exit.isFailure(exit)) {
        const error = Cause.failureOption(exit.cause)
        assert.isTrue(
          Option.isSome(error) && error.value instanceof RepeaterConfigError && error.value.field === "every"
        )
      } else {
        const list = yield* Effect.exit(Repeater.list)
        assert.isTrue(Exit.isSuccess(list))
        if (Exit.isSuccess(list)) {
          assert.deepStrictEqual(list.value.map((status) => status.name), ["healthy", "manual-only"])
        }
        assert.isTrue(Exit.isSuccess(yield* Effect.exit(exit.value.status)))
      }
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// Rate mode and runNow
// -----------------------------------------------------------------------------

describe("robustness: rate mode and runNow", () => {
  it.scoped("an overrun with a runNow coalesced behind it is followed by exactly one run, never two", () =>
    Effect.gen(function*() {
      const starts: Array<number> = []
      const task = Effect.flatMap(now, (t) =>
        Effect.suspend(() => {
          starts.push(t)
          return starts.length === 1 ? Effect.sleep("25 seconds") : Effect.void
        }))
      const handle = yield* Repeater.fork(task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* TestClock.adjust("5 seconds")
      yield* handle.runNow
      yield* TestClock.adjust("30 seconds")
      // run 1 (0 to 25 s) overran the ticks at 10 and 20 s; the coalesced runNow is the one run at 25 s
      assert.deepStrictEqual(starts, [0, 25_000, 30_000])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("rate mode: runNow before the first tick fired adds a run; the tick at t0 still runs (two runs at 0)", () =>
    Effect.gen(function*() {
      const { starts, task } = recorder()
      const handle = yield* Repeater.fork(task, { name: "rate", every: "10 seconds", mode: "rate" })
      yield* handle.runNow
      yield* TestClock.adjust("15 seconds")
      assert.deepStrictEqual(starts, [0, 0, 10_000])
      assert.strictEqual((yield* handle.status).runs, 3)
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("delay mode: runNow before the first run fired replaces it (one run at 0)", () =>
    Effect.gen(function*() {
      const { starts, task } = recorder()
      const handle = yield* Repeater.fork(task, { name: "delay", every: "10 seconds" })
      yield* handle.runNow
      yield* TestClock.adjust("15 seconds")
      assert.deepStrictEqual(starts, [0, 10_000])
    }).pipe(Effect.provide(Repeater.layer)))

  it.scoped("cron: a run that ends exactly on a match skips that match and counts it (Cron.next is strictly after)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-01-15T00:00:00Z"))
      const starts: Array<string> = []
      const task = Effect.flatMap(
        now,
        (t) =>
          Effect.zipRight(
            Effect.sync(() => void starts.push(new Date(t).toISOString().slice(11, 19))),
            Effect.sleep("10 seconds")
          )
      )
      const handle = yield* Repeater.fork(task, { name: "cron", cron: "*/10 * * * * *", timeZone: "UTC" })
      yield* TestClock.adjust("55 seconds")
      assert.deepStrictEqual(starts, ["00:00:10", "00:00:30", "00:00:50"])
      assert.strictEqual((yield* handle.status).skippedTicks, 2)
      const stopping = yield* Effect.fork(handle.stop({ grace: "0 millis" }))
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(yield* Fiber.join(stopping), "interrupted")
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// Many repeaters in one service: the dispatcher
// -----------------------------------------------------------------------------

describe("robustness: many repeaters, one dispatcher", () => {
  it.scoped(
    "50 repeaters with different intervals, modes, delays and run lengths each keep their exact schedule",
    () =>
      Effect.gen(function*() {
        const window = 30_000
        const kinds: ReadonlyArray<"rate" | "delay" | "schedule"> = ["rate", "delay", "schedule"]
        const specs = Array.from({ length: 50 }, (_, i) => ({
          name: `r${i}`,
          every: 1_000 + i * 173,
          duration: (i % 5) * 100,
          initialDelay: (i % 3) * 250,
          kind: kinds[i % 3]
        }))
        const recorders = specs.map((spec) => recorder(spec.duration))
        const handles: Array<RepeaterHandle<never>> = []
        for (const [i, spec] of specs.entries()) {
          const base = { name: spec.name, initialDelay: Duration.millis(spec.initialDelay) }
          handles.push(
            yield* Repeater.fork(
              recorders[i].task,
              spec.kind === "schedule" ?
                { ...base, schedule: Schedule.spaced(Duration.millis(spec.every)) } :
                { ...base, every: Duration.millis(spec.every), mode: spec.kind }
            )
          )
        }
        // uneven steps: the test fiber interleaves with the dispatcher at odd instants
        for (const step of [0, 1, 998, 7_001, 13, 12_987, 9_000]) yield* TestClock.adjust(Duration.millis(step))
        assert.strictEqual(yield* now, window)
        for (const [i, spec] of specs.entries()) {
          const expected: Array<number> = []
          if (spec.kind === "rate") {
            for (let t = spec.initialDelay; t <= window; t += spec.every) expected.push(t)
          } else {
            for (let t = spec.initialDelay; t <= window; t += spec.duration + spec.every) expected.push(t)
          }
          assert.deepStrictEqual(recorders[i].starts, expected, spec.name)
          const status = yield* handles[i].status
          assert.strictEqual(status.skippedTicks, 0, spec.name)
        }
        yield* Effect.forEach(handles, (handle) => handle.stop({ grace: "0 millis" }), { concurrency: "unbounded" })
        assert.deepStrictEqual(yield* Repeater.list, [])
      }).pipe(Effect.provide(Repeater.layer)),
    120_000
  )

  it.scoped(
    "the dispatcher re-arms for earlier due times: resume, runNow, a new fork and a stop among far timers",
    () =>
      Effect.gen(function*() {
        const hourly = recorder()
        const tenSeconds = recorder()
        const halfHourly = recorder()
        const fast = recorder()
        yield* Repeater.fork(hourly.task, { name: "hourly", every: "1 hour", waitFirst: true })
        const b = yield* Repeater.fork(tenSeconds.task, { name: "ten", every: "10 seconds", waitFirst: true })
        const c = yield* Repeater.fork(halfHourly.task, { name: "half", every: "30 minutes", waitFirst: true })
        yield* TestClock.adjust("1 second")
        yield* b.pause
        yield* TestClock.adjust("1 second")
        yield* b.resume // its run at 10 s had not fallen due: kept
        yield* TestClock.adjust("3 seconds")
        yield* c.runNow // at 5 s, far before its 30 min
        yield* TestClock.adjust("2 seconds")
        const d = yield* Repeater.fork(fast.task, { name: "fast", every: "1 second" }) // at 7 s
        yield* TestClock.adjust("2500 millis")
        yield* d.stop()
        yield* TestClock.adjust(Duration.millis(3_600_000 - 9_500))
        assert.deepStrictEqual(fast.starts, [7_000, 8_000, 9_000])
        assert.deepStrictEqual(halfHourly.starts, [5_000, 1_805_000])
        assert.deepStrictEqual(
          tenSeconds.starts,
          Array.from({ length: 360 }, (_, k) => 10_000 * (k + 1))
        )
        assert.deepStrictEqual(hourly.starts, [3_600_000])
      }).pipe(Effect.provide(Repeater.layer)),
    30_000
  )

  interface Item extends DispatchItem {
    readonly id: number
  }

  it.scoped(
    "Dispatcher: random schedule / reschedule / unschedule, also from inside onDue: each item fires once, exactly at its last due time",
    () =>
      Effect.gen(function*() {
        const runtime = yield* Effect.runtime<never>()
        const clock = yield* Effect.clock
        // mulberry32: a small seeded PRNG, so that the sequence of operations is the same on every run
        let seed = 20_260_115
        const random = (bound: number) => {
          seed = (seed + 0x6d2b79f5) | 0
          let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
          x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
          return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4_294_967_296) * bound)
        }
        const items: Array<Item> = Array.from({ length: 40 }, (_, id) => ({
          id,
          due: 0,
          heapIndex: -1,
          heapSeq: 0,
          wallAnchored: false,
          shiftBy(step: number) {
            return this.due + step
          }
        }))
        const expectedDue = new Map<number, number>()
        const fired: Array<number> = []
        const errors: Array<string> = []
        const onDue = (item: Item) => {
          const t = clock.unsafeCurrentTimeMillis()
          const due = expectedDue.get(item.id)
          if (due !== t) errors.push(`item ${item.id} fired at ${t}, due ${due}`)
          if (dispatcher.isScheduled(item)) errors.push(`item ${item.id} is still in the heap while it fires`)
          expectedDue.delete(item.id)
          fired.push(t)
          // from inside the firing loop: unschedule another item (maybe due now as well), reschedule one
          // at or shortly after now, or this one later
          const other = items[random(items.length)]
          switch (random(4)) {
            case 0:
              unschedule(other)
              break
            case 1:
              schedule(other, t + random(50))
              break
            case 2:
              schedule(item, t + 1 + random(2_000))
              break
          }
        }
        const dispatcher = new Dispatcher<Item>(runtime, clock, onDue)
        function schedule(item: Item, due: number) {
          expectedDue.set(item.id, due)
          dispatcher.schedule(item, due)
        }
        function unschedule(item: Item) {
          expectedDue.delete(item.id)
          dispatcher.unschedule(item)
        }
        for (let step = 0; step < 300; step++) {
          const t = clock.unsafeCurrentTimeMillis()
          for (let op = random(4); op > 0; op--) {
            const item = items[random(items.length)]
            const choice = random(10)
            if (choice < 5) schedule(item, t + random(5_000))
            else if (choice < 7) unschedule(item)
            else if (choice < 9) schedule(item, t + random(200))
            else schedule(item, t + 2 ** 30 + random(2 ** 20)) // longer than one timer
          }
          yield* TestClock.adjust(Duration.millis(random(1_500)))
        }
        // let every remaining item fall due
        yield* TestClock.adjust(Duration.millis(2 ** 31))
        assert.deepStrictEqual(errors, [])
        assert.deepStrictEqual([...expectedDue.entries()], [])
        assert.strictEqual(dispatcher.size, 0)
        assert.isAbove(fired.length, 300)
        for (let i = 1; i < fired.length; i++) assert.isAtMost(fired[i - 1], fired[i])
        dispatcher.close()
      }),
    30_000
  )
})

// -----------------------------------------------------------------------------
// Memory: what an ended repeater leaves behind
// -----------------------------------------------------------------------------

describe("robustness: ended repeaters are released", () => {
  it.scoped("60 repeaters that complete, fail or are stopped leave nothing in list, and all their names are free", () =>
    Effect.gen(function*() {
      const names = Array.from({ length: 60 }, (_, i) => `job-${i}`)
      const handles: Array<RepeaterHandle<string>> = []
      for (const [i, name] of names.entries()) {
        handles.push(
          yield* Repeater.fork(
            i % 3 === 1 ? Effect.fail(`failure ${i}`) : Effect.void,
            i % 3 === 0 ?
              { name, every: Duration.millis(100 + i), maxRepetitions: 3 } :
              i % 3 === 1 ?
              { name, every: Duration.millis(100 + i), onError: "stop" } :
              { name, every: Duration.millis(100 + i) }
          )
        )
      }
      yield* TestClock.adjust("1 second")
      yield* Effect.forEach(handles, (handle, i) => i % 3 === 2 ? handle.stop() : Effect.void)
      assert.deepStrictEqual(yield* Repeater.list, [])
      const states = yield* Effect.forEach(handles, (handle) => Effect.map(handle.status, (status) => status.state))
      assert.deepStrictEqual(
        states,
        names.map((_, i) => i % 3 === 0 ? "completed" : i % 3 === 1 ? "failed" : "stopped")
      )
      for (const name of names) {
        assert.isTrue(Exit.isSuccess(yield* Effect.exit(Repeater.fork(Effect.void, { name, every: "1 hour" }))))
      }
      assert.strictEqual((yield* Repeater.list).length, 60)
    }).pipe(Effect.provide(Repeater.layer)))
})

// -----------------------------------------------------------------------------
// Clocks
// -----------------------------------------------------------------------------

describe("robustness: clocks", () => {
  it.scoped("every: a wall clock stepped back by an hour does not stall the repeater for an hour", () =>
    Effect.gen(function*() {
      const base = yield* Effect.clock
      const { clock, step } = steppableClock(base)
      const elapsed: Array<number> = []
      const task = Effect.sync(() => void elapsed.push(base.unsafeCurrentTimeMillis()))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(Repeater.layer, scope).pipe(Effect.withClock(clock))
      yield* Repeater.fork(task, { name: "steady", every: "10 seconds" }).pipe(
        Effect.provide(context),
        Scope.extend(scope),
        Effect.withClock(clock)
      )
      yield* TestClock.adjust("25 seconds")
      step(-3_600_000)
      yield* TestClock.adjust("35 seconds")
      yield* Scope.close(scope, Exit.void)
      // "every 10 seconds" is elapsed time: 10 s after each run, whatever the wall clock says
      assert.deepStrictEqual(elapsed, [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000])
    }))

  it("timeout longer than 2^31 - 1 ms fires on the real default Clock (fake timers)", async () => {
    const DAY = 86_400_000
    const t0 = Date.parse("2026-01-01T00:00:00Z")
    vi.useFakeTimers({
      now: t0,
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "clearImmediate", "Date"]
    })
    try {
      const settle = async () => {
        for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(0)
      }
      const starts: Array<number> = []
      const failures: Array<number> = []
      const task = Effect.zipRight(Effect.sync(() => void starts.push(Date.now())), Effect.never)
      const program = Effect.gen(function*() {
        yield* Repeater.fork(task, { name: "batch", every: "1 hour", timeout: "25 days" })
        yield* Effect.fork(
          Stream.runForEach(Repeater.events, (event) =>
            Effect.sync(() => {
              if (event._tag === "RunFailed") {
                failures.push(DateTime.toEpochMillis(event.startedAt) + Duration.toMillis(event.duration))
              }
            }))
        )
        yield* Effect.never
      }).pipe(Effect.scoped, Effect.provide(Repeater.layerWith({ defaultGrace: 0 })))
      const fiber = Effect.runFork(program)
      await settle()
      for (let left = 25 * DAY + 3_600_000; left > 0; left -= 6 * 3_600_000) {
        await vi.advanceTimersByTimeAsync(Math.min(left, 6 * 3_600_000))
        await settle()
      }
      const interrupted = Effect.runPromise(Fiber.interrupt(fiber))
      await settle()
      await interrupted
      // run 1 times out at 25 days (a failed run), run 2 starts one hour later
      assert.deepStrictEqual(failures, [t0 + 25 * DAY])
      assert.deepStrictEqual(starts, [t0, t0 + 25 * DAY + 3_600_000])
    } finally {
      vi.useRealTimers()
    }
  })
})
