import { RepeaterTiming } from "@effect-repeater/core"

export const decode = (options: Parameters<typeof RepeaterTiming.decode>[0]) => RepeaterTiming.decode(options)
