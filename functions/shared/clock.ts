/**
 * "Now" for business rules that depend on the calendar (payout periods). On AWS this is
 * the system clock. Locally an operator (and tests) can move it forward to try monthly
 * jobs without waiting a month: the local runtime's `POST /local/clock` sets
 * CLOCK_OFFSET_MS in the handlers' environment. Nothing sets it on AWS.
 */
export const clockOffsetMs = (): number => Number(process.env.CLOCK_OFFSET_MS ?? 0) || 0;

export const now = (): Date => new Date(Date.now() + clockOffsetMs());
