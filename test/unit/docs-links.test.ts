/**
 * The README and the guides point only at what exists: every relative Markdown link resolves
 * to a file or folder of the repository (and, with `#anchor` into a Markdown file, to one of its
 * headings), and every repository path written in backticks (`functions/...`, `docs/...`)
 * exists. Stale references fail here, not in a newcomer's browser.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { projectRoot } from '../../lib/paths.js';

const documents = ['README.md', ...readdirSync(join(projectRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
const anchorsOf = (markdown: string): Set<string> => {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading = ''] of markdown.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = heading
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
};

/** Markdown outside fenced code blocks and inline code (links there are examples, not links). */
const prose = (markdown: string): string => markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');

const linksOf = (markdown: string): string[] =>
  [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? '').filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

const repositoryDirs = ['bench', 'bin', 'docs', 'events', 'functions', 'lib', 'scripts', 'test', '.ci'];
const backtickedPaths = (markdown: string): string[] =>
  [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\s]+)`/g)]
    .map((m) => (m[1] ?? '').replace(/[:,.]$/, ''))
    .filter((path) => repositoryDirs.some((dir) => path.startsWith(`${dir}/`)) && !/[<>*{}]|\.\.\./.test(path));

describe('documentation references', () => {
  it.each(documents)('%s: every relative link resolves (files, folders, heading anchors)', (document) => {
    const file = join(projectRoot, document);
    const markdown = readFileSync(file, 'utf8');
    const broken: string[] = [];
    for (const link of linksOf(markdown)) {
      const [path = '', anchor] = link.split('#');
      const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      if (!target.startsWith(projectRoot) || !existsSync(target)) {
        broken.push(`${link}: no ${relative(projectRoot, target)}`);
        continue;
      }
      if (anchor && statSync(target).isFile() && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
        broken.push(`${link}: no heading #${anchor} in ${relative(projectRoot, target)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(documents)('%s: every repository path in backticks exists', (document) => {
    const missing = backtickedPaths(readFileSync(join(projectRoot, document), 'utf8')).filter((path) => !existsSync(join(projectRoot, path)));
    expect(missing).toEqual([]);
  });

  it('the checks find what they look for (a broken link, a stale path, a missing anchor)', () => {
    const sample = 'See [the guide](docs/nope.md), [ok](docs/merchants.md#0-before-you-start), `functions/gone.ts` and ```\n[not a link](x.md)\n```';
    expect(linksOf(sample)).toEqual(['docs/nope.md', 'docs/merchants.md#0-before-you-start']);
    expect(backtickedPaths(sample)).toEqual(['functions/gone.ts']);
    expect(anchorsOf('# A title\n## 10. Secret rotation\n## `code` and more\n## A title')).toEqual(new Set(['a-title', '10-secret-rotation', 'code-and-more', 'a-title-1']));
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/merchants.md', 'docs/finance.md', 'docs/operators.md', 'docs/logistics-partners.md', 'docs/contributing.md']));
  });
});
