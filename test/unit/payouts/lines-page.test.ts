import fc from 'fast-check';
import { linesPage, responseBytes } from '../../../functions/payouts/report-pages.js';

// Paging lines computed in memory (the period preview, 0053): pages follow each other by key,
// each within its limit and the byte budget, and together they are every line once, in order,
// even when lines come or go between two pages.

interface Line {
  readonly key: string;
  readonly pad: string;
}
const keyOf = (line: Line) => line.key;
const byKey = (a: Line, b: Line) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
// A budget of 200 bytes here (5 MB in the API): pads of up to a third of it end pages too.
const budget = 200;
const lines = fc
  .uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 70 })), { selector: ([key]) => key, maxLength: 25 })
  .map((entries) => entries.map(([key, size]): Line => ({ key, pad: 'x'.repeat(size) })).sort(byKey));

const pages = (all: readonly Line[], limit: number, change: (page: number, all: readonly Line[]) => readonly Line[] = (_, a) => a) => {
  const read: Line[][] = [];
  let current = all;
  let after: string | null = null;
  do {
    const page: { lines: Line[]; next: string | null } = linesPage(current, keyOf, after, limit, { maxBytes: budget });
    read.push(page.lines);
    after = page.next;
    current = change(read.length, current);
  } while (after !== null && read.length < 1_000);
  return read;
};

describe('linesPage', () => {
  it('reads every line once, in order, each page within its limit and the byte budget', () => {
    fc.assert(
      fc.property(lines, fc.integer({ min: 1, max: 7 }), (all, limit) => {
        const read = pages(all, limit);
        expect(read.flat()).toEqual(all);
        for (const page of read) {
          expect(page.length).toBeLessThanOrEqual(limit);
          if (page.length > 1) expect(page.reduce((t, l) => t + responseBytes(l), 0)).toBeLessThanOrEqual(budget);
        }
        if (all.length > 0) expect(read.every((page) => page.length > 0)).toBe(true);
      }),
      { seed: 53, numRuns: 150 },
    );
  });

  it('continues by key: a line removed or added between pages moves no other line', () => {
    fc.assert(
      fc.property(lines, fc.integer({ min: 1, max: 5 }), fc.string({ minLength: 1, maxLength: 6 }), fc.nat(), (all, limit, added, pick) => {
        fc.pre(all.length > 0 && !all.some((l) => l.key === added));
        const removed = all[pick % all.length] as Line;
        // After the first page, one line goes and another comes.
        const read = pages(all, limit, (page, current) => (page === 1 ? [...current.filter((l) => l !== removed), { key: added, pad: '' }].sort(byKey) : current));
        const seen = read.flat().map(keyOf);
        // Every line that stayed is read exactly once, in order; the added one at most once.
        for (const line of all) if (line !== removed) expect(seen.filter((k) => k === line.key)).toHaveLength(1);
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toEqual([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }),
      { seed: 530, numRuns: 150 },
    );
  });

  it('ends with no next when the last page reaches the end, and reads nothing after the last key', () => {
    const all: Line[] = [{ key: 'a', pad: '' }, { key: 'b', pad: '' }];
    expect(linesPage(all, keyOf, null, 2)).toEqual({ lines: all, next: null });
    expect(linesPage(all, keyOf, null, 1)).toEqual({ lines: [all[0]], next: 'a' });
    expect(linesPage(all, keyOf, 'b', 5)).toEqual({ lines: [], next: null });
    expect(linesPage(all, keyOf, 'zz', 5)).toEqual({ lines: [], next: null });
  });
});
