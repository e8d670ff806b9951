/**
 * The local business clock (`POST /local/clock`): an offset from real time that handlers read
 * through CLOCK_OFFSET_MS (functions/shared/clock.ts). Kept in DATA_DIR, so a restart keeps
 * the moved clock (a month tried locally does not jump back to today); in memory mode it
 * lasts as long as the process.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as z from 'zod';

const stored = z.object({ offsetMs: z.number().int() });

export class LocalClock {
  /** Starts from the environment's offset (set by whoever started the process), then the kept one. */
  private offset = Math.round(Number(process.env.CLOCK_OFFSET_MS ?? 0)) || 0;

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      const parsed = stored.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`${file} is not a local clock: ${parsed.error.message}`);
      this.offset = parsed.data.offsetMs;
    }
  }

  offsetMs(): number {
    return this.offset;
  }

  /** Puts the kept offset into the handlers' environment. */
  apply(): void {
    process.env.CLOCK_OFFSET_MS = String(this.offset);
  }

  set(offsetMs: number): void {
    this.offset = Math.round(offsetMs);
    if (this.file) {
      writeFileSync(`${this.file}.tmp`, `${JSON.stringify({ offsetMs: this.offset })}\n`);
      renameSync(`${this.file}.tmp`, this.file);
    }
    this.apply();
  }
}
