/**
 * Fiber helpers shared by the tests.
 */
import { assert } from "@effect/vitest"
import { Effect, Fiber, Option } from "effect"

/** `true` while the fiber has not ended. */
export const isPending = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.map(Fiber.poll(fiber), Option.isNone)

/** Fails the test unless the fiber is still running. */
export const assertPending = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.map(Fiber.poll(fiber), (exit) => assert.isTrue(Option.isNone(exit), "expected the fiber to be still running"))
