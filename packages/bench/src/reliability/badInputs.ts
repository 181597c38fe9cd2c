/**
 * The bad inputs the tests try, as listed in the reliability section. Written by hand from the tests named in each
 * line: when a test is added or removed, this list changes with it.
 */
export const badInputs = [
  "What the test suites feed the packages on purpose, and what they expect (each line names its tests):",
  "",
  "- **Durations** (`core/test/validation.test.ts`): `every`, `timeout`, `initialDelay`, `jitter` and `grace` given " +
  "`Infinity`, `-Infinity`, `NaN`, `Duration.infinity`, `[Infinity, 0]`, zero in six spellings where zero makes no " +
  "sense, and negatives (`-5`, `-0.5`, `\"-5 seconds\"`, `-5n`, `[-1, 0]`) are rejected at construction with a " +
  "`RepeaterConfigError` naming the option and the value; strings Effect cannot read (`\"5 secs\"`, `\"2 hrs\"`, " +
  "`\"250ms\"`, `\"3 dayz\"`, `\"1.5 h\"`) are rejected with the spelling to use; a `jitter` not shorter than " +
  "`every` is rejected; the same string accepted in one field and rejected in another, per repeater.",
  "- **Long durations** (`core/test/longWait.test.ts`, `core/test/robustness.test.ts`, `node/test/longTimeout.test.ts`, " +
  "`node/test/longShutdownTimeout.test.ts`, `cluster/test/longTimeout.test.ts`, `kernel/test/LongWait.test.ts`): " +
  "`every: \"30 days\"`, `initialDelay: \"25 days\"` and a `timeout` past 2^31 − 1 ms fire on time on the real " +
  "default Clock (fake timers) instead of at once; a monthly cron; WorkerPool timeouts, `runMain`'s " +
  "`shutdownTimeout` and a cluster repeater's `timeout` of many days; a huge but finite `every` is rejected or " +
  "leaves `list` and `status` readable.",
  "- **Next runs that cannot be represented** (`core/test/unrepresentable.test.ts`, `http/test/unrepresentable.test.ts`): " +
  "`Schedule.spaced(Duration.infinity)` and a delay past `Date`'s range: the repeater runs once and completes " +
  "with no next run, `status`, `list` and `GET /repeaters` stay total.",
  "- **Counts and triggers** (`core/test/validation.test.ts`, `core/test/validateOptions.test.ts`): " +
  "`maxRepetitions` negative, fractional or non-finite; no trigger, two or three triggers at once, `mode` or " +
  "`timeZone` with the wrong trigger, `waitFirst` with `initialDelay` or `cron`; cron expressions that are not " +
  "cron (`\"not a cron\"`, out-of-range fields, too few or too many fields, empty), that never match " +
  "(`0 0 30 2 *`, `0 0 31 4 *`), unknown time zones (`Mars/Olympus_Mons`, `Europe/Berln`).",
  "- **Names** (`core/test/validation.test.ts`, `http/test/names.test.ts`): empty, longer than 100 characters, a " +
  "million characters, `.` and `..`, line breaks, NUL, DEL, C1 controls, lone surrogates, `İ` (U+0130); a name " +
  "taken by a running repeater (the holder runs on); every accepted name reachable by every HTTP route (a " +
  "fast-check property), a name no repeater can have answered 400 and a free one 404.",
  "- **Service and stop settings** (`core/test/validation.test.ts`): `defaultGrace` negative or non-finite, " +
  "`eventBufferSize` not a whole number of 1 or more, `stop({ grace })` with bad values (the repeater runs on), " +
  "`Repeater.layerConfig` with an unreadable or negative value.",
  "- **HTTP options and requests** (`http/test/options.test.ts`, `http/test/security.test.ts`, " +
  "`http/test/failures.test.ts`, `http/test/api.test.ts`): unknown option keys (answered with the nearest known " +
  "name), options that are not an object, `maxStreams` outside 1 to 100,000, a keep-alive of zero; no token, an " +
  "empty token, a token with whitespace, a wrong token, unauthenticated on a non-loopback address or without a " +
  "bound address; event streams beyond `maxStreams` (503 with a JSON body); handler failures (500 with a JSON " +
  "body, logged with their Cause); an unknown repeater (404 with a clear body).",
  "- **Cluster settings** (`cluster/test/runnerConfig.test.ts`): `port` 0, fractional `shardsPerGroup`, negative " +
  "timings, a `lockExpiration` shorter than three `lockRefresh`, SQLite `\":memory:\"` or an empty path, no " +
  "storage, an empty `host` or `listenHost`: each fails the layer with a `ClusterRepeaterConfigError` before " +
  "anything starts.",
  "- **Failing work** (`core/test/errors.test.ts`, `node/test/WorkerPool.test.ts`): typed failures, defects thrown " +
  "by synchronous code, finalizers that die, runs past their `timeout`, a failing repeater next to healthy ones, " +
  "worker files that throw while loading, worker threads that end by themselves; invalid WorkerPool options.",
  ""
].join("\n")
