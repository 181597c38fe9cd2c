/** Options as an untyped caller (JavaScript, JSON config) may give them. */
export const untyped = <T>(value: unknown): T => value as T
