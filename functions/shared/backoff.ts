/**
 * Jittered exponential backoff between rounds of an optimistic-lock retry (full jitter:
 * a random wait up to 20 ms x 2^attempt), so requests that collided do not collide again.
 */
export const backoff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
