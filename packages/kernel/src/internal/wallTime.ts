export const MAX_MILLIS = 8.64e15

export const representable = (millis: number): boolean => Number.isFinite(millis) && Math.abs(millis) <= MAX_MILLIS
