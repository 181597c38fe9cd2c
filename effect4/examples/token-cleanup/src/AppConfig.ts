/**
 * The server's settings, read from the environment through Effect `Config`.
 * A bad value fails at startup with a `ConfigError` that names the variable
 * and the value: `ConfigError(SchemaError(expected a TCP port, a whole number
 * from 0 to 65535 (0: any free port), got "abc"\n  at ["PORT"]))`.
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/** The longest cleanup interval accepted: one day. */
export const maxCleanupInterval: Duration.Duration = Duration.days(1)

/**
 * A variable read as a string and turned into a value by `parse`; `None`
 * (the value is refused) fails with `expected <rule>, got <the value>` at the
 * variable's name.
 */
const parsed = <A>(name: string, rule: string, parse: (text: string) => Option.Option<A>): Config.Config<A> =>
  Config.schema(
    Schema.String.check(
      Schema.makeFilter((text: string) =>
        Option.isSome(parse(text)) ? undefined : `expected ${rule}, got ${JSON.stringify(text)}`
      )
    ),
    name
  ).pipe(Config.map((text) => Option.getOrThrow(parse(text))))

const parsePort = (text: string): Option.Option<number> => {
  const trimmed = text.trim()
  const value = Number(trimmed)
  return trimmed !== "" && Number.isInteger(value) && value >= 0 && value <= 65535 ? Option.some(value) : Option.none()
}

const decodeDuration = Schema.decodeUnknownOption(Schema.DurationFromString)

const parseInterval = (text: string): Option.Option<Duration.Duration> => {
  const trimmed = text.trim()
  const seconds = Number(trimmed)
  const duration = trimmed !== "" && !Number.isNaN(seconds) ?
    Option.some(Duration.seconds(seconds)) :
    decodeDuration(trimmed)
  return Option.filter(
    duration,
    (value) =>
      Duration.isFinite(value) && Duration.isPositive(value) &&
      Duration.isLessThanOrEqualTo(value, maxCleanupInterval)
  )
}

/** A whole number from 0 to 65535; 0 picks any free port. */
export const port = (name: string): Config.Config<number> =>
  parsed(name, "a TCP port, a whole number from 0 to 65535 (0: any free port)", parsePort)

/** A positive interval of at most one day: a number of seconds (`5`, `0.5`) or a duration (`500 millis`). */
export const interval = (name: string): Config.Config<Duration.Duration> =>
  parsed(name, "a positive number of seconds (5, 0.5) or a duration (500 millis) of at most 1 day", parseInterval)

/**
 * The path of the database file, or `:memory:`. An empty path (or only
 * spaces) is refused: SQLite would open an anonymous temporary database,
 * deleted when the server stops, and every token would be lost on restart.
 */
export const databasePath = (name: string): Config.Config<string> =>
  Config.schema(
    Schema.String.check(
      Schema.makeFilter((text: string) =>
        text.trim() !== "" ?
          undefined :
          `expected the path of the database file (or :memory:), got ${
            JSON.stringify(text)
          }: an empty path would open an anonymous temporary database, lost when the server stops`
      )
    ),
    name
  )

/**
 * The environment as `Config` reads it here: `process.env` (or `env`), an
 * empty variable kept as the empty string, as Effect 3 did. (`fromEnv`'s
 * default takes an empty variable for a missing one, so that `PORT=` would
 * quietly mean port 3000 and `DATABASE_PATH=` the default file.)
 */
export const environment = (env?: Record<string, string>): ConfigProvider.ConfigProvider =>
  ConfigProvider.fromEnv({ env, preserveEmptyStrings: true })

/** The settings and the environment variables they come from. */
export const settings = Config.all({
  host: Config.String("HOST").pipe(Config.withDefault("127.0.0.1")),
  port: port("PORT").pipe(Config.withDefault(3000)),
  databasePath: databasePath("DATABASE_PATH").pipe(Config.withDefault("./data/tokens.db")),
  cleanupInterval: interval("CLEANUP_INTERVAL").pipe(Config.withDefault(Duration.seconds(5)))
})

export class AppConfig extends Context.Service<AppConfig, {
  /** `HOST`, default `127.0.0.1`: the interface the server listens on. */
  readonly host: string
  /** `PORT`, default 3000; 0 picks a free port (the bound address is logged). */
  readonly port: number
  /**
   * `DATABASE_PATH`, default `./data/tokens.db` (directories are created); `:memory:` for a throwaway database;
   * an empty value is an error.
   */
  readonly databasePath: string
  /** `CLEANUP_INTERVAL`, default 5 seconds: how often expired tokens are deleted. */
  readonly cleanupInterval: Duration.Duration
}>()("token-cleanup/AppConfig") {
  /** The settings from the current `ConfigProvider` (`main.ts` sets `environment()` for the whole server). */
  static readonly layer: Layer.Layer<AppConfig, Config.ConfigError> = Layer.effect(AppConfig, settings)
}
