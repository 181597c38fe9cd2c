/**
 * The timer heap: an indexed binary min-heap whose items carry their own due
 * time and position (an intrusive heap), so that rescheduling and removal are
 * O(log n) without a node object per item. Ties are broken by insertion order.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/heap.js"

/**
 * What the heap needs of an item: fields it owns and sets itself. A new item
 * starts with `heapIndex: -1` (not in a heap).
 *
 * @since 0.1.0
 * @category models
 */
export interface HeapItem {
  /** Its due time, set by `set`. */
  due: number
  /** Its position in the heap; `-1` when it is not in one. */
  heapIndex: number
  /** Insertion order, which breaks ties between equal due times. */
  heapSeq: number
}

/**
 * A min-heap of items ordered by due time, then by insertion order.
 *
 * @since 0.1.0
 * @category models
 */
export interface TimerHeap<A extends HeapItem> {
  /** How many items it holds. */
  readonly size: number
  /** The earliest item, left in place. */
  peek(): A | undefined
  /** Whether the item is in the heap. */
  has(item: A): boolean
  /** Inserts the item with the given due time, or moves it there if present. */
  set(item: A, due: number): void
  /** Takes the item out, if present. */
  remove(item: A): void
  /** Takes the given items out (those present): many at once cost one pass over the heap. */
  removeAll(items: ReadonlyArray<A>): void
  /** Takes out the earliest item. */
  pop(): A | undefined
  /** The items that satisfy `predicate`, in no particular order. */
  filter(predicate: (item: A) => boolean): Array<A>
  /** Takes every item out. */
  clear(): void
}

/**
 * An empty heap.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <A extends HeapItem>() => TimerHeap<A> = internal.make
