import * as Duration from "effect/Duration"

/**
 * Shows a value given as an option in an error message.
 *
 * @internal
 */
export const formatValue = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "bigint") return `${value}n`
  if (typeof value === "number" || typeof value === "boolean" || value === undefined || value === null) {
    return String(value)
  }
  if (Duration.isDuration(value)) return `Duration(${Duration.format(value)})`
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`
  try {
    const json = JSON.stringify(value)
    return json === undefined ? String(value) : json
  } catch {
    return String(value)
  }
}
