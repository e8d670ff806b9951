/**
 * Jittered exponential backoff between rounds of an optimistic-lock retry (full jitter:
 * a random wait up to 20 ms x 2^attempt), so requests that collided do not collide again.
 */
export const backoff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));

/**
 * An optimistic read-decide-write until it holds: `round` reads afresh, decides and writes
 * conditioned on what it read, answering `undefined` when another change came first. Rounds
 * are separated by `backoff`; after `attempts` rounds the request gives up with `exhausted()`.
 */
export const untilWritten = async <T>(attempts: number, exhausted: () => Error, round: () => Promise<T | undefined>): Promise<T> => {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (attempt > 0) await backoff(attempt);
    const done = await round();
    if (done !== undefined) return done;
  }
  throw exhausted();
};
