# A first mechanical pass from an Effect 3 test file of packages/core/test to Effect 4 (renamed APIs); what is left
# is done by hand. Usage: python3 scripts/port-test.py <name>.test.ts
import re, sys, pathlib
root = pathlib.Path(__file__).resolve().parent.parent
for name in sys.argv[1:]:
    src = (root.parent / "packages/core/test" / name).read_text()
    def barrel(m):
        names = [n.strip() for n in m.group(1).split(",") if n.strip()]
        testing = [n for n in names if n in ("TestClock", "TestContext")]
        names = [("Result" if n == "Either" else n) for n in names if n not in testing]
        out = 'import { ' + ", ".join(names) + ' } from "effect"'
        if testing:
            out += '\nimport { ' + ", ".join(t for t in testing if t == "TestClock") + ' } from "effect/testing"'
        return out
    src = re.sub(r'import \{([^}]*)\} from "effect"', barrel, src)
    for a, b in [
        ("it.scoped(", "it.effect("), ("it.scopedLive(", "it.live("), ("Effect.forkDaemon(", "Effect.forkDetach("),
        ("Effect.fork(", "Effect.forkChild("), ("unsafeCurrentTimeMillis()", "currentTimeMillisUnsafe()"),
        ("Effect.zipRight(", "Effect.andThen("), ("Effect.catchAll(", "Effect.catch("), ("Effect.either(", "Effect.result("),
        ("Cause.isInterruptedOnly(", "Cause.hasInterruptsOnly("), ("Deferred.unsafeMake", "Deferred.makeUnsafe"),
        ("DateTime.unsafeMake", "DateTime.makeUnsafe"), ("Duration.decode(", "Duration.fromInputUnsafe("),
        ("Layer.scoped(", "Layer.effect("), ("Layer.scopedDiscard(", "Layer.effectDiscard("), ("Effect.zip(", "Effect.zip("),
        ("Either.isLeft(", "Result.isFailure("), ("Either.isRight(", "Result.isSuccess("),
        ("Context.GenericTag", "Context.Service"), ("Effect.dieMessage(", "Effect.die("),
        ("Duration.DurationInput", "Duration.Input"),
    ]:
        src = src.replace(a, b)
    (root / "packages/core/test" / name).write_text(src)
