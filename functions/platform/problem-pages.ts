/**
 * The pages problem `type` URIs resolve to (`GET /problems/{code}`): one per code of errors.ts,
 * rendered from the one place each part is defined: the status (errors.ts), title, detail
 * template and per-reason sentences (problem.ts), and what it means and what to do
 * (problem-guide.ts, keyed by code so none can be missing). English or Simplified Chinese.
 * Static HTML under a CSP that allows nothing but its own inline stylesheet (by hash): no
 * script, no other origin. Pure; the handler is problem-page.ts.
 */
import { problemStatus, type ProblemCode } from '../shared/errors.js';
import { problemGuide, problemExample } from '../shared/problem-guide.js';
import { problemMessages, problemReasons, type Language } from '../shared/problem.js';

export const problemCodes = Object.keys(problemStatus) as ProblemCode[];
export const isProblemCode = (code: string): code is ProblemCode => Object.hasOwn(problemStatus, code);
export const problemPagePath = (code: ProblemCode): string => `/problems/${code}`;

const stylesheet = [
  'body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}',
  'code,pre{font-family:ui-monospace,monospace;background:#f3f3f3;border-radius:3px}',
  'code{padding:0 .2em}pre{padding:.75rem;overflow-x:auto}',
  'nav,footer{font-size:.9rem;color:#555}footer a{margin-right:.5em}',
].join('\n');

/**
 * SHA-256 of `stylesheet`, base64, written out: importing node:crypto to compute it would cost
 * this function 3 ms of cold start. The pages test recomputes it from the served page.
 */
const stylesheetSha256 = 'gQCd6LIVFNYz9p9YOiOlM6vQlsIV4/0eoH82V9pL1gE=';

/** No script at all; the stylesheet is inline and allowed by its hash only. */
export const problemPageCsp = [
  "default-src 'none'",
  `style-src 'sha256-${stylesheetSha256}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const labels: Record<Language, Record<'status' | 'when' | 'fix' | 'detail' | 'reasons' | 'example' | 'all' | 'reference' | 'site', string>> = {
  en: {
    status: 'HTTP status',
    when: 'When you get it',
    fix: 'What to do',
    detail: 'The `detail` it carries',
    reasons: 'Specific reasons (`detail` then says one of these)',
    example: 'Example answer',
    all: 'All problem codes',
    reference: 'API reference',
    site: 'xborder-commerce API',
  },
  'zh-CN': {
    status: 'HTTP 状态码',
    when: '何时出现',
    fix: '如何处理',
    detail: '`detail` 的内容',
    reasons: '具体原因（`detail` 为以下之一）',
    example: '响应示例',
    all: '所有错误代码',
    reference: 'API 参考',
    site: 'xborder-commerce API',
  },
};

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Escaped text, with `backticks` as <code>. */
const prose = (text: string): string => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

/** The page of one code in one language. */
export const problemPage = (code: ProblemCode, lang: Language): string => {
  const status = problemStatus[code];
  const text = problemMessages[code][lang];
  const guide = problemGuide[code][lang];
  const label = labels[lang];
  const reasons = Object.entries(problemReasons[code] ?? {});
  const example = JSON.stringify({ ...problemExample(code, status, lang), instance: '/v1/orders' }, null, 2);
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${code}: ${text.title} (${status}) · ${label.site}`)}</title>
<style>${stylesheet}</style>
</head>
<body>
<nav><a href="?lang=en" hreflang="en" lang="en">English</a> · <a href="?lang=zh-CN" hreflang="zh-CN" lang="zh-CN">简体中文</a></nav>
<main>
<h1><code>${code}</code> ${escapeHtml(text.title)}</h1>
<p>${label.status} <strong>${status}</strong> · <code>type</code>: <code>${problemPagePath(code)}</code></p>
<h2>${prose(label.when)}</h2>
<p>${prose(guide.when)}</p>
<h2>${prose(label.fix)}</h2>
<p>${prose(guide.fix)}</p>
<h2>${prose(label.detail)}</h2>
<p>${escapeHtml(text.detail)}</p>
${
  reasons.length > 0
    ? `<h2>${prose(label.reasons)}</h2>\n<ul>\n${reasons.map(([name, sentence]) => `<li><code>${escapeHtml(name)}</code>: ${escapeHtml(sentence[lang])}</li>`).join('\n')}\n</ul>\n`
    : ''
}<h2>${prose(label.example)}</h2>
<pre>${escapeHtml(example)}</pre>
</main>
<footer>
<p>${label.all}: ${problemCodes.map((c) => `<a href="${problemPagePath(c)}?lang=${lang}">${c}</a>`).join(' ')}</p>
<p><a href="/docs">${label.reference}</a></p>
</footer>
</body>
</html>
`;
};
