import type { ClockStep } from "../ClockStep.js"
import type { Dispatcher, DispatchItem } from "../Dispatcher.js"
import type { TimeSource } from "../TimeSource.js"
import * as clockStep from "./clockStep.js"
import { TimerHeap } from "./heap.js"
import { chunk } from "./longWait.js"

class DispatcherImpl<A extends DispatchItem> implements Dispatcher<A> {
  private readonly heap = new TimerHeap<A>()
  private readonly clock: ClockStep = clockStep.make()
  private armedFor = Infinity
  private cancelTimer: (() => void) | undefined = undefined
  private timerToken = 0
  private closed = false
  private firing = false

  constructor(
    private readonly source: TimeSource,
    private readonly onDue: (item: A) => void
  ) {}

  get size(): number {
    return this.heap.size
  }

  now(): number {
    const time = this.clock.read(this.source.wallMillis(), this.source.monotonicMillis())
    if (this.clock.lastStep > 0) this.moveWallAnchored(this.clock.lastStep)
    return time
  }

  /** After a step back of the wall clock, queued wall-clock items fall due that much later in our time. */
  private moveWallAnchored(step: number): void {
    for (const item of this.heap.filter((item) => item.wallAnchored)) {
      this.heap.set(item, item.shiftBy(step))
    }
  }

  toWall(time: number): number {
    return this.clock.toWall(time)
  }

  wallNow(): number {
    return this.source.wallMillis()
  }

  schedule(item: A, due: number): void {
    if (this.closed) return
    this.heap.set(item, due)
    if (due < this.armedFor && !this.firing) this.arm()
  }

  unschedule(item: A): void {
    this.heap.remove(item)
    // With nothing left to wait for, no timer stays armed (it would keep the process alive). Otherwise the
    // armed timer may now wake for nothing; it then re-arms for the next item.
    if (this.heap.size === 0 && !this.firing) this.disarm()
  }

  unscheduleAll(items: ReadonlyArray<A>): void {
    this.heap.removeAll(items)
    if (this.heap.size === 0 && !this.firing) this.disarm()
  }

  isScheduled(item: A): boolean {
    return this.heap.has(item)
  }

  close(): void {
    this.closed = true
    this.disarm()
    this.heap.clear()
  }

  private disarm(): void {
    this.armedFor = Infinity
    const cancel = this.cancelTimer
    if (cancel !== undefined) {
      this.cancelTimer = undefined
      this.timerToken++
      cancel()
    }
  }

  private arm(): void {
    this.disarm()
    const now = this.now() // first: it may move wall-clock items
    const next = this.heap.peek()
    if (next === undefined || this.closed) return
    // Whole milliseconds, rounded up: the clock then never wakes before the due time. A longer wait
    // than one timer can hold is waited in parts: the timer re-arms when it wakes early.
    const wait = chunk(Math.ceil(next.due - now))
    const token = ++this.timerToken
    this.armedFor = next.due
    this.cancelTimer = this.source.setTimer(wait, () => this.wake(token))
  }

  private wake(token: number): void {
    if (token !== this.timerToken) return
    this.cancelTimer = undefined
    this.armedFor = Infinity
    this.fire()
  }

  /**
   * Hands every item due in this timer turn to `onDue`, in due order. The due items are taken out
   * of the heap first: what `onDue` (re)schedules waits for the next turn, and an item scheduled
   * again meanwhile (paused and resumed by another item's run, say) keeps its new place instead.
   */
  private fire(): void {
    this.firing = true
    try {
      const now = this.now()
      // a timer that woke early within its resolution has woken for the items due within it (see
      // `TimeSource.timerResolutionMillis`), but a wall-anchored item is due only at or after its instant
      const soon = now + (this.source.timerResolutionMillis ?? 0)
      const due: Array<A> = []
      for (;;) {
        const next = this.heap.peek()
        // A timer may wake early by the wall clock: an item is due only at or after its time.
        if (next === undefined || next.due > soon || (next.due > now && next.wallAnchored)) break
        this.heap.remove(next)
        due.push(next)
      }
      for (const item of due) {
        if (!this.closed && !this.heap.has(item)) this.onDue(item)
      }
    } finally {
      this.firing = false
    }
    this.arm()
  }
}

export const make = <A extends DispatchItem>(source: TimeSource, onDue: (item: A) => void): Dispatcher<A> =>
  new DispatcherImpl(source, onDue)
