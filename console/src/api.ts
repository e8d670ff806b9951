/**
 * The console's calls to this API (same origin): the finance key from the tab's session
 * storage as a Bearer token, problem+json answers turned into ApiError.
 */
const keyStorage = 'xborder.financeApiKey';

export const storedKey = (): string | null => sessionStorage.getItem(keyStorage);
export const storeKey = (key: string): void => sessionStorage.setItem(keyStorage, key);
export const forgetKey = (): void => sessionStorage.removeItem(keyStorage);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

let acceptLanguage = 'en';
export const setApiLanguage = (locale: string): void => {
  acceptLanguage = locale;
};

const call = async (method: string, path: string, key: string, body?: unknown): Promise<Response> => {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      'accept-language': acceptLanguage,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    cache: 'no-store',
    credentials: 'omit',
  });
  if (response.ok) return response;
  let code = 'http_error';
  let detail = `HTTP ${response.status}`;
  try {
    const problem = (await response.json()) as { code?: unknown; detail?: unknown; title?: unknown };
    if (typeof problem.code === 'string') code = problem.code;
    if (typeof problem.detail === 'string') detail = problem.detail;
    else if (typeof problem.title === 'string') detail = problem.title;
  } catch {
    // Not problem+json: the status says enough.
  }
  throw new ApiError(response.status, code, detail);
};

const requireKey = (): string => {
  const key = storedKey();
  if (!key) throw new ApiError(401, 'unauthenticated', 'not signed in');
  return key;
};

export const getJson = async <T>(path: string, key = requireKey()): Promise<T> => (await (await call('GET', path, key)).json()) as T;

export const postJson = async <T>(path: string, body: unknown): Promise<T> => (await (await call('POST', path, requireKey(), body)).json()) as T;

/** The raw bytes and headers of a GET (downloads). */
export const getBytes = async (path: string): Promise<{ bytes: Uint8Array; headers: Headers }> => {
  const response = await call('GET', path, requireKey());
  return { bytes: new Uint8Array(await response.arrayBuffer()), headers: response.headers };
};

/**
 * Every page of an answer whose lines come in pages (reports, preview: `nextCursor`, decisions
 * 0024 and 0053), starting from `first` when it was already read.
 */
export const getPages = async <T extends { readonly nextCursor?: string | null }>(path: string, first?: T): Promise<T[]> => {
  const separator = path.includes('?') ? '&' : '?';
  const pages: T[] = [first ?? (await getJson<T>(path))];
  for (let cursor = pages[0]?.nextCursor; cursor; cursor = pages.at(-1)?.nextCursor) pages.push(await getJson<T>(`${path}${separator}cursor=${encodeURIComponent(cursor)}`));
  return pages;
};

/** Every page of a `{ data, nextCursor }` list. */
export const getAll = async <T>(path: string): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: { data: T[]; nextCursor: string | null } = await getJson(`${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
};
