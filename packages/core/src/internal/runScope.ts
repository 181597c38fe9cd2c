import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import type * as Exit from "effect/Exit"
import { pipeArguments } from "effect/Pipeable"
import * as Predicate from "effect/Predicate"
import * as Scope from "effect/Scope"

/**
 * The Scope of one run, made real only when the run first uses it: most
 * runs never add a finalizer, and then a run's Scope is this one small
 * object, with nothing to close. Once made, the real Scope does all the
 * work; if this Scope was closed before, the real one is closed with the same
 * exit at once, so that what is added afterwards is finalized at once, as
 * with any closed Scope.
 *
 * @internal
 */
export class RunScope implements Scope.CloseableScope {
  readonly [Scope.ScopeTypeId]: Scope.ScopeTypeId = Scope.ScopeTypeId
  readonly [Scope.CloseableScopeTypeId]: Scope.CloseableScopeTypeId = Scope.CloseableScopeTypeId
  readonly strategy: ExecutionStrategy.ExecutionStrategy = ExecutionStrategy.sequential
  private scope: Scope.CloseableScope | undefined = undefined
  private closedWith: Exit.Exit<unknown, unknown> | undefined = undefined

  /** Whether the run used its Scope (added a finalizer or forked a child Scope). */
  get used(): boolean {
    return this.scope !== undefined
  }

  private real(): Scope.CloseableScope {
    if (this.scope === undefined) {
      const scope = Effect.runSync(Scope.make(this.strategy))
      if (this.closedWith !== undefined) Effect.runSync(Scope.close(scope, this.closedWith))
      this.scope = scope
    }
    return this.scope
  }

  /**
   * Effect's `forkIn` (and so `forkScoped`) reads and writes the `state` of the Scope it is given
   * as if it were Effect's own kind of Scope: this one answers with the state of the real Scope
   * behind it, so that a fiber forked into it is interrupted when the run ends.
   */
  get state(): unknown {
    const scope = this.real()
    return Predicate.hasProperty(scope, "state") ? scope.state : undefined
  }

  fork(strategy: ExecutionStrategy.ExecutionStrategy): Effect.Effect<Scope.CloseableScope> {
    return Effect.suspend(() => Scope.fork(this.real(), strategy))
  }

  addFinalizer(finalizer: Scope.Scope.Finalizer): Effect.Effect<void> {
    return Effect.suspend(() => Scope.addFinalizerExit(this.real(), finalizer))
  }

  /** Closes it if it was never used: then there is nothing to run. Tells whether it did. */
  closeUnused(exit: Exit.Exit<unknown, unknown>): boolean {
    if (this.scope !== undefined) return false
    this.closedWith ??= exit
    return true
  }

  close(exit: Exit.Exit<unknown, unknown>): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.scope !== undefined) return Scope.close(this.scope, exit)
      this.closedWith ??= exit
      return Effect.void
    })
  }

  pipe() {
    return pipeArguments(this, arguments)
  }
}
