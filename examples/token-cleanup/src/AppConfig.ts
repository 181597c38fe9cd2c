/**
 * The server's settings, read from the environment through Effect `Config`.
 * A bad value fails at startup with a `ConfigError` that names the variable
 * and the value: `(Invalid data at PORT: "expected a TCP port, a whole number
 * from 0 to 65535 (0: any free port), got \"abc\"")`.
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/** The longest cleanup interval accepted: one day. */
export const maxCleanupInterval: Duration.Duration = Duration.days(1)

/** A whole number from 0 to 65535; 0 picks any free port. */
export const port = (name: string): Config.Config<number> =>
  Config.mapOrFail(Config.string(name), (text) => {
    const trimmed = text.trim()
    const value = Number(trimmed)
    return trimmed !== "" && Number.isInteger(value) && value >= 0 && value <= 65535 ?
      Either.right(value) :
      Either.left(ConfigError.InvalidData(
        [],
        `expected a TCP port, a whole number from 0 to 65535 (0: any free port), got ${JSON.stringify(text)}`
      ))
  })

/** A positive interval of at most one day: a number of seconds (`5`, `0.5`) or a duration (`500 millis`). */
export const interval = (name: string): Config.Config<Duration.Duration> =>
  Config.mapOrFail(Config.string(name), (text) => {
    const trimmed = text.trim()
    const seconds = Number(trimmed)
    const duration = trimmed !== "" && !Number.isNaN(seconds) ?
      Option.some(Duration.seconds(seconds)) :
      Duration.decodeUnknown(trimmed)
    return Option.isSome(duration) && Duration.isFinite(duration.value) &&
        Duration.greaterThan(duration.value, Duration.zero) &&
        Duration.lessThanOrEqualTo(duration.value, maxCleanupInterval) ?
      Either.right(duration.value) :
      Either.left(ConfigError.InvalidData(
        [],
        `expected a positive number of seconds (5, 0.5) or a duration (500 millis) of at most 1 day, got ${
          JSON.stringify(text)
        }`
      ))
  })

/**
 * The path of the database file, or `:memory:`. An empty path (or only
 * spaces) is refused: SQLite would open an anonymous temporary database,
 * deleted when the server stops, and every token would be lost on restart.
 */
export const databasePath = (name: string): Config.Config<string> =>
  Config.mapOrFail(Config.string(name), (text) =>
    text.trim() !== "" ?
      Either.right(text) :
      Either.left(ConfigError.InvalidData(
        [],
        `expected the path of the database file (or :memory:), got ${
          JSON.stringify(text)
        }: an empty path would open an anonymous temporary database, lost when the server stops`
      )))

/** The settings and the environment variables they come from. */
export const settings = Config.all({
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  port: port("PORT").pipe(Config.withDefault(3000)),
  databasePath: databasePath("DATABASE_PATH").pipe(Config.withDefault("./data/tokens.db")),
  cleanupInterval: interval("CLEANUP_INTERVAL").pipe(Config.withDefault(Duration.seconds(5)))
})

export class AppConfig extends Context.Tag("token-cleanup/AppConfig")<AppConfig, {
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
}>() {
  /** The settings from the environment (the current `ConfigProvider`). */
  static readonly layer: Layer.Layer<AppConfig, ConfigError.ConfigError> = Layer.effect(AppConfig, settings)
}
