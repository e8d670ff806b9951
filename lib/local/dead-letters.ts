import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** What the local runtime could not deliver after its retries: the stand-in for the DLQs and on-failure queues. */
export interface DeadLetter {
  readonly kind: 'rule' | 'stream' | 'queue';
  /** The manifest rule, stream or queue name. */
  readonly name: string;
  readonly target: string;
  readonly attempts: number;
  readonly error: string;
  readonly failedAt: string;
  readonly payload: unknown;
}

export class DeadLetterStore {
  private readonly letters: DeadLetter[] = [];

  /** With a file, letters survive restarts (JSON lines). */
  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim()) this.letters.push(JSON.parse(line) as DeadLetter);
    }
  }

  add(letter: DeadLetter): void {
    this.letters.push(letter);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(letter)}\n`);
  }

  list(): readonly DeadLetter[] {
    return [...this.letters];
  }
}
