/** Local retry pacing: short, capped exponential backoff, so failures surface in seconds rather than hours. */
export const localBackoffMs = (attempt: number, baseMs: number): number => Math.min(baseMs * 2 ** attempt, 2_000);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const errorText = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
