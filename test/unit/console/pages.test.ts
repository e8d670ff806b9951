import { getPages, storeKey } from '../../../console/src/api.js';

// The console follows an answer's pages (the report's lines, the preview, the merchant
// statements as one JSON file, 0053): each next page asked with the previous page's cursor,
// after the path's own query.

const asked: string[] = [];
const pages: Record<string, unknown> = {
  '/v1/payout-periods/2026-11/preview': { lines: [1, 2], nextCursor: 'a/b+c' },
  '/v1/payout-periods/2026-11/preview?cursor=a%2Fb%2Bc': { lines: [3], nextCursor: 'd' },
  '/v1/payout-periods/2026-11/preview?cursor=d': { lines: [], nextCursor: null },
  '/v1/payout-runs/run_2026-11/report?format=json&cursor=d': { lines: [4], nextCursor: null },
};

beforeAll(() => {
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    sessionStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) },
    fetch: async (path: string, init: { headers: Record<string, string> }) => {
      asked.push(path);
      expect(init.headers.authorization).toBe('Bearer xbk_test');
      const body = pages[path];
      return body === undefined ? new Response('{}', { status: 404 }) : Response.json(body);
    },
  });
  storeKey('xbk_test');
});

beforeEach(() => {
  asked.length = 0;
});

describe('getPages', () => {
  it('follows nextCursor to the last page, the cursor encoded', async () => {
    const read = await getPages<{ lines: number[]; nextCursor: string | null }>('/v1/payout-periods/2026-11/preview');
    expect(read.flatMap((p) => p.lines)).toEqual([1, 2, 3]);
    expect(asked).toEqual(['/v1/payout-periods/2026-11/preview', '/v1/payout-periods/2026-11/preview?cursor=a%2Fb%2Bc', '/v1/payout-periods/2026-11/preview?cursor=d']);
  });

  it('starts from a first page already read, and appends the cursor to the path\'s own query', async () => {
    const read = await getPages('/v1/payout-runs/run_2026-11/report?format=json', { lines: [0], nextCursor: 'd' });
    expect(read.flatMap((p) => p.lines)).toEqual([0, 4]);
    expect(asked).toEqual(['/v1/payout-runs/run_2026-11/report?format=json&cursor=d']);
  });

  it('reads one page when there is no next', async () => {
    expect(await getPages('/v1/x', { lines: [9], nextCursor: null })).toEqual([{ lines: [9], nextCursor: null }]);
    expect(asked).toEqual([]);
  });
});
