/**
 * The finance console (GET /console): plain TypeScript and the DOM, uPlot for the chart.
 * Views by URL hash: #/periods (and #/periods/YYYY-MM for a preview), #/runs/{id}. Text is
 * only ever set as text (never parsed as HTML), so names from the API cannot inject markup.
 */
import uPlot from 'uplot';
import { ApiError, forgetKey, getAll, getBytes, getJson, getPages, postJson, setApiLanguage, storedKey, storeKey } from './api.js';
import { formatCny, locales, preferredLocale, translate, type Locale, type MessageKey } from './i18n.js';
import {
  agencyTotals,
  chartSeries,
  periodRows,
  queryLines,
  remittanceCsv,
  shanghaiPeriod,
  taxByCategory,
  type LinesQuery,
  type Money,
  type PeriodRow,
  type ReportLine,
  type RunView,
  type SortKey,
} from './model.js';

const localeStorage = 'xborder.consoleLocale';
let locale: Locale = (() => {
  const chosen = sessionStorage.getItem(localeStorage);
  return chosen === 'en' || chosen === 'zh-CN' ? chosen : preferredLocale(navigator.languages);
})();

const t = (key: MessageKey, params?: Readonly<Record<string, string | number>>): string => translate(locale, key, params);
const cny = (money: Money | number): string => formatCny(locale, typeof money === 'number' ? money : money.amount);

type Child = Node | string | null | undefined | false;
type Attrs = Readonly<Record<string, string | boolean | number | ((event: Event) => void) | undefined>>;

/** An element with attributes (`on*` are listeners) and children; strings become text nodes. */
const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
};

const main = (): HTMLElement => {
  const element = document.getElementById('main');
  if (!element) throw new Error('the page has no #main');
  return element;
};

const status = (message: string, kind: 'info' | 'error' = 'info'): HTMLElement =>
  h('p', { class: `status ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);

const errorText = (error: unknown): string => {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof TypeError) return t('networkError');
  return error instanceof Error ? error.message : String(error);
};

/** Replaces the view and moves focus to its heading (keyboard and screen-reader users land there). */
const show = (...children: Child[]): void => {
  const root = main();
  root.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
  const heading = root.querySelector('h2');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
};

const table = (caption: string, headers: readonly string[], rows: readonly (readonly Child[])[], numeric: readonly number[] = []): HTMLTableElement =>
  h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((header, i) => h('th', { scope: 'col', class: numeric.includes(i) ? 'num' : undefined }, header)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell, i) => h('td', { class: numeric.includes(i) ? 'num' : undefined }, cell))))),
  );

/** Saves bytes as a file through a temporary object URL (the key never appears in a URL). */
const save = (bytes: Uint8Array | string, file: string, type: string): void => {
  const blob = new Blob([bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: file, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};

// ---------------------------------------------------------------- sign in

const signIn = (message?: string): void => {
  const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'sign-in-help' });
  const feedback = h('div', { id: 'sign-in-feedback' }, message ? status(message, 'error') : null);
  const submit = h('button', { type: 'submit' }, t('signIn'));
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, t('signInTitle')),
    h('p', { id: 'sign-in-help' }, t('signInHelp')),
    h('label', { for: 'api-key' }, t('apiKey')),
    input,
    submit,
    feedback,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      feedback.replaceChildren(status(t('keyMissing'), 'error'));
      return;
    }
    submit.disabled = true;
    feedback.replaceChildren(status(t('signingIn')));
    getJson('/v1/payout-runs?limit=1', key)
      .then(() => {
        storeKey(key);
        renderChrome();
        route();
      })
      .catch((error: unknown) => {
        submit.disabled = false;
        const text = error instanceof ApiError && error.status === 401 ? t('keyRejected') : error instanceof ApiError && error.status === 403 ? t('keyNotFinance') : errorText(error);
        feedback.replaceChildren(status(text, 'error'));
        input.focus();
      });
  });
  show(form);
};

// ---------------------------------------------------------------- periods

const statusLabel = (row: PeriodRow): string => {
  switch (row.state.kind) {
    case 'run':
      return row.state.run.status === 'completed' ? t('statusCompleted') : t('statusRunning');
    case 'caught_up':
      return t('statusCaughtUp', { by: row.state.by });
    case 'open':
      return t('statusOpen');
    default:
      return t('statusRunnable');
  }
};

interface PreviewLine {
  readonly [field: string]: unknown;
}
interface Preview {
  readonly period: string;
  readonly run: { id: string; status: string } | null;
  readonly merchants?: { lines: PreviewLine[]; totals: Record<string, Money> } | null;
  readonly creators?: { lines: PreviewLine[]; totals?: Record<string, Money> } | null;
  readonly nextCursor?: string | null;
}

/** The whole preview: pages (over 5,000 lines or 5 MB) joined, creator lines then merchant lines. */
const previewOf = async (period: string): Promise<Preview> => {
  const pages = await getPages<Preview>(`/v1/payout-periods/${encodeURIComponent(period)}/preview`);
  const first = pages[0] as Preview;
  return {
    ...first,
    creators: first.creators ? { ...first.creators, lines: pages.flatMap((p) => p.creators?.lines ?? []) } : first.creators,
    merchants: first.merchants ? { ...first.merchants, lines: pages.flatMap((p) => p.merchants?.lines ?? []) } : first.merchants,
  };
};

const moneyOf = (value: unknown): string => (typeof value === 'object' && value !== null && 'amount' in value && typeof value.amount === 'number' ? cny(value.amount) : '');
const textOf = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));

const totalsList = (totals: Readonly<Record<string, Money>>, keys: readonly MessageKey[]): HTMLElement =>
  h('dl', { class: 'totals' }, ...keys.filter((key) => key in totals).flatMap((key) => [h('dt', {}, t(key)), h('dd', { 'data-total': key }, cny(totals[key] as Money))]));

const previewSection = (preview: Preview, row: PeriodRow): HTMLElement => {
  const creators = preview.creators && Array.isArray(preview.creators.lines) ? preview.creators : null;
  const merchants = preview.merchants && Array.isArray(preview.merchants.lines) ? preview.merchants : null;
  const section = h(
    'section',
    { 'aria-labelledby': 'preview-title', id: 'preview' },
    h('h3', { id: 'preview-title' }, t('previewTitle', { period: preview.period })),
    h('p', {}, t('previewHelp')),
    h('h4', {}, t('creatorLines')),
    creators
      ? h(
          'div',
          { id: 'preview-creators' },
          creators.totals ? totalsList(creators.totals, ['gross', 'agencyFees', 'taxWithheld', 'net']) : null,
          creators.lines.length === 0
            ? h('p', {}, t('noLines'))
            : table(
                t('creatorLines'),
                [t('creator'), t('name'), t('agency'), t('gross'), t('agencyFee'), t('taxWithheld'), t('net')],
                creators.lines.map((l) => [textOf(l.creatorId), textOf(l.displayName), textOf(l.agencyId), moneyOf(l.gross), moneyOf(l.agencyFee), moneyOf(l.taxWithheld), moneyOf(l.net)]),
                [3, 4, 5, 6],
              ),
        )
      : h('p', {}, t('creatorPreviewUnavailable')),
    h('h4', {}, t('merchantLines')),
    merchants
      ? h(
          'div',
          { id: 'preview-merchants' },
          totalsList(merchants.totals, ['gross', 'platformFee', 'creatorCommissions', 'refunds', 'net']),
          merchants.lines.length === 0
            ? h('p', {}, t('noLines'))
            : table(
                t('merchantLines'),
                [t('merchant'), t('gross'), t('platformFee'), t('creatorCommissions'), t('refunds'), t('net')],
                merchants.lines.map((l) => [textOf(l.name ?? l.merchantId), moneyOf(l.gross), moneyOf(l.platformFee), moneyOf(l.creatorCommissions), moneyOf(l.refunds), moneyOf(l.net)]),
                [1, 2, 3, 4, 5],
              ),
        )
      : h('p', {}, t('noLines')),
  );
  if (row.state.kind === 'runnable' || row.state.kind === 'open') section.append(startRunButton(preview.period, row.state.kind === 'open'));
  return section;
};

const startRunButton = (period: string, open: boolean): HTMLElement => {
  const progress = h('div', { id: 'run-progress', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'start-run', disabled: open }, t('startRun'));
  button.addEventListener('click', () => {
    const confirmButton = h('button', { type: 'button', id: 'confirm-run', class: 'primary' }, t('confirm'));
    const cancelButton = h('button', { type: 'button' }, t('cancel'));
    const dialog = h(
      'dialog',
      { 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' },
      h('h3', { id: 'confirm-title' }, t('confirmTitle', { period })),
      h('p', { id: 'confirm-text' }, t('confirmText')),
      h('div', { class: 'buttons' }, cancelButton, confirmButton),
    );
    document.body.append(dialog);
    dialog.addEventListener('close', () => {
      dialog.remove();
      button.focus();
    });
    cancelButton.addEventListener('click', () => dialog.close());
    confirmButton.addEventListener('click', () => {
      dialog.close();
      button.disabled = true;
      postJson<RunView>('/v1/payout-runs', { period })
        .then((run) => watchRun(run, progress))
        .catch((error: unknown) => {
          button.disabled = false;
          progress.replaceChildren(status(t('error', { detail: errorText(error) }), 'error'));
        });
    });
    dialog.showModal();
    cancelButton.focus();
  });
  return h('div', { class: 'run-start' }, button, progress);
};

/** Polls the run until it completes, showing the lines settled so far; then opens it. */
const watchRun = async (started: RunView, into: HTMLElement): Promise<void> => {
  const bar = h('progress', { id: 'run-progress-bar', 'aria-label': t('progress') });
  const text = h('p', { role: 'status', id: 'run-progress-text' });
  into.replaceChildren(h('h4', {}, t('progress')), bar, text);
  let run = started;
  for (;;) {
    text.textContent = run.status === 'completed' ? t('progressDone', { done: run.lineCount }) : t('progressRunning', { done: run.lineCount });
    if (run.status === 'completed') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
    run = await getJson<RunView>(`/v1/payout-runs/${encodeURIComponent(run.id)}`);
  }
  bar.max = 1;
  bar.value = 1;
  location.hash = `#/runs/${encodeURIComponent(run.id)}`;
};

const periodsView = async (selected?: string): Promise<void> => {
  show(h('h2', {}, t('periodsTitle')), status(t('loading')));
  const runs = await getAll<RunView>('/v1/payout-runs');
  const rows = periodRows(shanghaiPeriod(new Date()), runs);
  const body = rows.map((row) => {
    const run = row.state.kind === 'run' ? row.state.run : null;
    const action = run
      ? h('a', { href: `#/runs/${encodeURIComponent(run.id)}`, 'aria-label': `${t('openRun')} ${row.period}` }, t('openRun'))
      : row.state.kind === 'caught_up'
        ? null
        : h('a', { href: `#/periods/${row.period}`, 'aria-label': `${t('preview')} ${row.period}`, 'aria-current': selected === row.period ? 'true' : undefined }, t('preview'));
    return [row.period, statusLabel(row), run ? String(run.lineCount) : '', run ? cny(run.totals.gross) : '', run ? cny(run.totals.net) : '', action];
  });
  const periodsTable = table(t('periodsTitle'), [t('period'), t('status'), t('lines'), t('gross'), t('net'), t('actions')], body, [2, 3, 4]);
  periodsTable.id = 'periods';
  const selectedRow = rows.find((row) => row.period === selected);
  const previewHolder = h('div', {}, selectedRow ? status(t('loading')) : null);
  show(h('h2', {}, t('periodsTitle')), periodsTable, previewHolder);
  if (selectedRow) {
    // Without a preview (an API that cannot preview) the run can still be started.
    const preview = await previewOf(selectedRow.period).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 401) throw error;
      previewHolder.append(status(t('error', { detail: errorText(error) }), 'error'));
      return { period: selectedRow.period, run: null, merchants: null, creators: null };
    });
    previewHolder.querySelector('p.status:not(.error)')?.remove();
    previewHolder.append(previewSection(preview, selectedRow));
    previewHolder.querySelector('h3')?.setAttribute('tabindex', '-1');
    (previewHolder.querySelector('h3') as HTMLElement | null)?.focus();
  }
};

// ---------------------------------------------------------------- run

interface Report {
  readonly run: RunView;
  readonly lines: ReportLine[];
  readonly nextCursor?: string | null;
}

/** Every line of the run's report (pages of up to 5,000 lines and 5 MB, followed by cursor). */
const reportLines = async (runId: string): Promise<ReportLine[]> =>
  (await getPages<Report>(`/v1/payout-runs/${encodeURIComponent(runId)}/report?format=json`)).flatMap((page) => page.lines);

interface MerchantStatements {
  readonly lines: PreviewLine[];
  readonly totals: Record<string, Money>;
  readonly nextCursor?: string | null;
}

const chart = (runs: readonly RunView[]): HTMLElement => {
  const series = chartSeries(runs);
  const holder = h('div', { class: 'chart', role: 'img', 'aria-label': `${t('chartTitle')}: ${t('gross')}, ${t('taxWithheld')}, ${t('net')}` });
  const labels = series.periods;
  // uPlot draws on a canvas; the same figures are in the table below it.
  new uPlot(
    {
      width: 720,
      height: 260,
      scales: { x: { time: false } },
      axes: [
        { values: (_u, ticks) => ticks.map((tick) => labels[Math.round(tick)] ?? '') },
        { values: (_u, ticks) => ticks.map((tick) => cny(tick).replace(/\.00$/, '')), size: 90 },
      ],
      series: [
        { label: t('period'), value: (_u, v) => (v === null ? '' : (labels[Math.round(v)] ?? '')) },
        { label: t('gross'), stroke: '#1f5fa8', width: 2, value: (_u, v) => (v === null ? '' : cny(v)) },
        { label: t('taxWithheld'), stroke: '#b4431f', width: 2, value: (_u, v) => (v === null ? '' : cny(v)) },
        { label: t('net'), stroke: '#2e7d32', width: 2, value: (_u, v) => (v === null ? '' : cny(v)) },
      ],
    },
    [labels.map((_, i) => i), series.gross, series.taxWithheld, series.net],
    holder,
  );
  const data = table(
    t('chartData'),
    [t('period'), t('gross'), t('taxWithheld'), t('net')],
    labels.map((period, i) => [period, cny(series.gross[i] ?? 0), cny(series.taxWithheld[i] ?? 0), cny(series.net[i] ?? 0)]),
    [1, 2, 3],
  );
  data.id = 'chart-data';
  return h('section', { 'aria-labelledby': 'chart-title' }, h('h3', { id: 'chart-title' }, t('chartTitle')), holder, h('details', {}, h('summary', {}, t('chartData')), data));
};

const sortColumns: ReadonlyArray<{ key: SortKey; label: MessageKey; money: boolean }> = [
  { key: 'creatorId', label: 'creator', money: false },
  { key: 'displayName', label: 'name', money: false },
  { key: 'agencyId', label: 'agency', money: false },
  { key: 'incomeCategory', label: 'incomeCategory', money: false },
  { key: 'gross', label: 'gross', money: true },
  { key: 'agencyFee', label: 'agencyFee', money: true },
  { key: 'taxWithheld', label: 'taxWithheld', money: true },
  { key: 'net', label: 'net', money: true },
];

const linesSection = (run: RunView, lines: readonly ReportLine[]): HTMLElement => {
  let query: LinesQuery = { search: '', sort: 'creatorId', direction: 'ascending', page: 0, pageSize: 20 };
  const search = h('input', { id: 'line-search', type: 'search', placeholder: t('searchPlaceholder') });
  const holder = h('div', { class: 'scroll' });
  const pager = h('div', { class: 'pager' });
  const render = (): void => {
    const result = queryLines(lines, query);
    query = { ...query, page: result.page };
    const head = h(
      'tr',
      {},
      ...sortColumns.map((column) => {
        const active = query.sort === column.key;
        const button = h('button', { type: 'button', class: 'sort', 'data-sort': column.key }, t(column.label), active ? (query.direction === 'ascending' ? ' ▲' : ' ▼') : '');
        button.addEventListener('click', () => {
          query = { ...query, sort: column.key, direction: active && query.direction === 'ascending' ? 'descending' : 'ascending', page: 0 };
          render();
          (holder.querySelector(`button[data-sort="${column.key}"]`) as HTMLElement | null)?.focus();
        });
        return h('th', { scope: 'col', 'aria-sort': active ? query.direction : 'none', class: column.money ? 'num' : undefined }, button);
      }),
      h('th', { scope: 'col' }, t('actions')),
    );
    const rows = result.rows.map((line) =>
      h(
        'tr',
        { 'data-creator': line.creatorId },
        h('td', {}, line.creatorId),
        h('td', {}, line.displayName),
        h('td', {}, line.agencyId ?? ''),
        h('td', {}, t(line.incomeCategory)),
        ...[line.gross, line.agencyFee, line.taxWithheld, line.net].map((m) => h('td', { class: 'num' }, cny(m))),
        h('td', {}, h('button', { type: 'button', class: 'details', 'aria-label': t('detailsOf', { name: line.displayName }), onclick: () => void drillDown(run, line) }, t('details'))),
      ),
    );
    holder.replaceChildren(h('table', { id: 'lines' }, h('caption', {}, t('lines')), h('thead', {}, head), h('tbody', {}, ...rows)));
    const previous = h('button', { type: 'button', disabled: result.page === 0, onclick: () => ((query = { ...query, page: query.page - 1 }), render()) }, t('previous'));
    const next = h('button', { type: 'button', disabled: result.page >= result.pages - 1, onclick: () => ((query = { ...query, page: query.page + 1 }), render()) }, t('next'));
    pager.replaceChildren(previous, h('span', { role: 'status', id: 'lines-page' }, t('page', { page: result.page + 1, pages: result.pages, matches: result.matches })), next);
  };
  search.addEventListener('input', () => {
    query = { ...query, search: search.value, page: 0 };
    render();
  });
  render();
  return h('section', { 'aria-labelledby': 'lines-title' }, h('h3', { id: 'lines-title' }, t('lines')), h('label', { for: 'line-search' }, t('search')), search, holder, pager);
};

interface LineDetail {
  readonly entries: Array<{ entryId: string; orderId: string; kind: 'accrual' | 'reversal'; amount: Money; period: string; createdAt: string }>;
  readonly orders: Array<{ orderId: string; merchantId: string | null; status: string | null; commissionRateBps: number | null; commission: Money; reversed: Money; deliveredAt: string | null }>;
}

const drillDown = async (run: RunView, line: ReportLine): Promise<void> => {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const closeButton = h('button', { type: 'button', class: 'close' }, t('close'));
  const body = h('div', { id: 'drill-body' }, status(t('loading')));
  const dialog = h('dialog', { id: 'drill-down', 'aria-labelledby': 'drill-title' }, h('h3', { id: 'drill-title' }, t('drillTitle', { name: line.displayName })), body, closeButton);
  document.body.append(dialog);
  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    opener?.focus();
  });
  dialog.showModal();
  closeButton.focus();
  try {
    const detail = await getJson<LineDetail>(`/v1/payout-runs/${encodeURIComponent(run.id)}/lines/${encodeURIComponent(line.creatorId)}`);
    const entries = table(
      t('entries'),
      [t('entry'), t('order'), t('period'), t('kind'), t('amount'), t('createdAt')],
      detail.entries.map((e) => [e.entryId, e.orderId, e.period, t(e.kind), cny(e.amount), e.createdAt]),
      [4],
    );
    entries.id = 'drill-entries';
    const orders = table(
      t('orders'),
      [t('order'), t('merchant'), t('orderStatus'), t('commissionRate'), t('commission'), t('reversed')],
      detail.orders.map((o) => [o.orderId, o.merchantId ?? '', o.status ?? '', o.commissionRateBps === null ? '' : `${(o.commissionRateBps / 100).toFixed(2)}%`, cny(o.commission), cny(o.reversed)]),
      [3, 4, 5],
    );
    orders.id = 'drill-orders';
    body.replaceChildren(
      totalsList({ gross: line.gross, agencyFee: line.agencyFee, taxableIncome: line.taxableIncome, taxWithheld: line.taxWithheld, net: line.net }, ['gross', 'agencyFee', 'taxableIncome', 'taxWithheld', 'net']),
      entries,
      orders,
    );
  } catch (error) {
    body.replaceChildren(status(t('error', { detail: errorText(error) }), 'error'));
  }
};

const downloads = (run: RunView, lines: readonly ReportLine[], merchantsAvailable: boolean): HTMLElement => {
  const feedback = h('div', { 'aria-live': 'polite', id: 'download-status' });
  const base = `/v1/payout-runs/${encodeURIComponent(run.id)}`;
  const act = (work: () => Promise<string>) => () => {
    work()
      .then((file) => feedback.replaceChildren(status(t('downloaded', { file }))))
      .catch((error: unknown) => feedback.replaceChildren(status(t('error', { detail: errorText(error) }), 'error')));
  };
  /** A CSV report in pages (over 5,000 rows or 5 MB): the first page has the BOM and header, the rest concatenate. */
  const pagedCsv = (report: string, file: string) => async (): Promise<string> => {
    const parts: Uint8Array[] = [];
    let path: string | null = `${base}/${report}?format=csv`;
    while (path) {
      const { bytes, headers }: { bytes: Uint8Array; headers: Headers } = await getBytes(path);
      parts.push(bytes);
      const next = headers.get('x-next-cursor');
      path = next ? `${base}/${report}?format=csv&cursor=${encodeURIComponent(next)}` : null;
    }
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    save(joined, file, 'text/csv;charset=utf-8');
    return file;
  };
  const creatorJson = async (): Promise<string> => {
    const file = `payout-${run.period}.json`;
    const whole = await getBytes(`${base}/report?format=json`);
    const first = JSON.parse(new TextDecoder().decode(whole.bytes)) as Report;
    // One page: the API's bytes as they are; more: one document with every line.
    save(first.nextCursor ? JSON.stringify({ run: first.run, lines }) : whole.bytes, file, 'application/json');
    return file;
  };
  /** The merchant statements as one JSON document: every page's lines under the first page's run, period and totals. */
  const merchantJson = async (): Promise<string> => {
    const file = `merchant-statements-${run.period}.json`;
    const whole = await getBytes(`${base}/merchant-statements?format=json`);
    const first = JSON.parse(new TextDecoder().decode(whole.bytes)) as MerchantStatements;
    if (!first.nextCursor) {
      save(whole.bytes, file, 'application/json');
      return file;
    }
    const pages = await getPages(`${base}/merchant-statements?format=json`, first);
    const { nextCursor: _, ...head } = first;
    save(JSON.stringify({ ...head, lines: pages.flatMap((page) => page.lines) }), file, 'application/json');
    return file;
  };
  const remittance = async (): Promise<string> => {
    const file = `agency-remittance-${run.period}.csv`;
    save(remittanceCsv(agencyTotals(lines)), file, 'text/csv;charset=utf-8');
    return Promise.resolve(file);
  };
  const button = (id: string, label: MessageKey, work: () => Promise<string>, enabled = true) => h('button', { type: 'button', id, disabled: !enabled, onclick: act(work) }, t(label));
  return h(
    'section',
    { 'aria-labelledby': 'downloads-title' },
    h('h3', { id: 'downloads-title' }, t('downloads')),
    h(
      'div',
      { class: 'buttons' },
      button('download-creator-csv', 'creatorReportCsv', pagedCsv('report', `payout-${run.period}.csv`)),
      button('download-creator-json', 'creatorReportJson', creatorJson),
      button('download-merchant-csv', 'merchantStatementsCsv', pagedCsv('merchant-statements', `merchant-statements-${run.period}.csv`), merchantsAvailable),
      button('download-merchant-json', 'merchantStatementsJson', merchantJson, merchantsAvailable),
      button('download-remittance', 'remittanceCsv', remittance),
    ),
    feedback,
  );
};

const remittanceSection = (lines: readonly ReportLine[]): HTMLElement => {
  const rows = agencyTotals(lines);
  const body = rows.length
    ? table(
        t('remittanceTitle'),
        [t('agency'), t('creators'), t('gross'), t('agencyFee'), t('taxToRemit'), t('netToPay')],
        rows.map((r) => [r.agencyName ? `${r.agencyName} (${r.agencyId})` : r.agencyId, String(r.creators), cny(r.transfer), cny(r.agencyFees), cny(r.taxToRemit), cny(r.net)]),
        [1, 2, 3, 4, 5],
      )
    : h('p', {}, t('noAgencies'));
  if (body instanceof HTMLTableElement) body.id = 'remittance';
  return h('section', { 'aria-labelledby': 'remittance-title' }, h('h3', { id: 'remittance-title' }, t('remittanceTitle')), body);
};

const runView = async (runId: string): Promise<void> => {
  show(h('h2', {}, t('runTitle', { period: runId })), status(t('loading')));
  const run = await getJson<RunView>(`/v1/payout-runs/${encodeURIComponent(runId)}`);
  const back = h('a', { href: '#/periods' }, t('backToPeriods'));
  if (run.status !== 'completed') {
    const progress = h('div', { 'aria-live': 'polite' });
    show(h('h2', {}, t('runTitle', { period: run.period })), back, progress);
    await watchRun(run, progress);
    return;
  }
  const [lines, runs, merchants] = await Promise.all([
    reportLines(run.id),
    getAll<RunView>('/v1/payout-runs'),
    getJson<MerchantStatements>(`/v1/payout-runs/${encodeURIComponent(run.id)}/merchant-statements?format=json&limit=1`).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }),
  ]);
  const categories = taxByCategory(lines);
  const creatorTotals = h(
    'section',
    { 'aria-labelledby': 'creator-totals-title', id: 'creator-totals' },
    h('h3', { id: 'creator-totals-title' }, t('creators')),
    totalsList(run.totals as unknown as Record<string, Money>, ['gross', 'agencyFees', 'taxWithheld', 'net']),
    table(
      t('taxByCategory'),
      [t('incomeCategory'), t('lines'), t('gross'), t('taxWithheld')],
      categories.map((c) => [t(c.incomeCategory), String(c.lines), cny(c.gross), cny(c.taxWithheld)]),
      [1, 2, 3],
    ),
  );
  const merchantTotals = h(
    'section',
    { 'aria-labelledby': 'merchant-totals-title', id: 'merchant-totals' },
    h('h3', { id: 'merchant-totals-title' }, t('merchants')),
    merchants ? totalsList(merchants.totals, ['gross', 'platformFee', 'creatorCommissions', 'refunds', 'net']) : h('p', {}, t('merchantsUnavailable')),
  );
  show(
    h('h2', {}, t('runTitle', { period: run.period })),
    back,
    h('div', { class: 'grid' }, creatorTotals, merchantTotals),
    chart(runs),
    downloads(run, lines, merchants !== null),
    linesSection(run, lines),
    remittanceSection(lines),
  );
};

// ---------------------------------------------------------------- chrome and routing

const renderChrome = (): void => {
  document.documentElement.lang = locale;
  document.title = t('appTitle');
  const header = document.getElementById('header');
  if (!header) return;
  const select = h('select', { id: 'language' }, ...locales.map((l) => h('option', { value: l, selected: l === locale }, l === 'en' ? 'English' : '简体中文')));
  select.addEventListener('change', () => {
    locale = select.value === 'zh-CN' ? 'zh-CN' : 'en';
    sessionStorage.setItem(localeStorage, locale);
    setApiLanguage(locale);
    renderChrome();
    route();
  });
  const signOut = storedKey()
    ? h('button', { type: 'button', id: 'sign-out', onclick: () => (forgetKey(), renderChrome(), signIn()) }, t('signOut'))
    : null;
  header.replaceChildren(h('h1', {}, t('appTitle')), h('div', { class: 'tools' }, h('label', { for: 'language' }, t('language')), select, signOut));
};

const route = (): void => {
  if (!storedKey()) {
    signIn();
    return;
  }
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  const runMatch = /^\/runs\/([^/]+)$/.exec(hash);
  const periodMatch = /^\/periods\/(\d{4}-\d{2})$/.exec(hash);
  const view = runMatch?.[1] ? runView(runMatch[1]) : periodsView(periodMatch?.[1]);
  view.catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) {
      forgetKey();
      renderChrome();
      signIn(t('keyRejected'));
      return;
    }
    main().append(status(t('error', { detail: errorText(error) }), 'error'));
  });
};

setApiLanguage(locale);
renderChrome();
window.addEventListener('hashchange', route);
route();
