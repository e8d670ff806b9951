// Codemod: every HTTP handler states its route's access (keyed(...) or publicRoute) from the manifest.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, dirname } from 'node:path';
const root = process.argv[2] ?? process.cwd();
const { manifest: m } = await import(`${root}/lib/manifest.ts`) as { manifest: any };
const byFn = new Map<string, Set<string>>();
for (const r of m.routes) {
  const auth = r.auth === 'public' ? 'public' : [...r.auth].join(',');
  byFn.set(r.function, (byFn.get(r.function) ?? new Set()).add(auth));
}
for (const [fn, auths] of byFn) {
  if (auths.size !== 1) { console.log('SKIP (several auths)', fn, [...auths]); continue; }
  const auth = [...auths][0]!;
  const entry = (m.functions as Record<string, { entry: string }>)[fn]!.entry;
  const file = `${root}/${entry}`;
  let s = readFileSync(file, 'utf8');
  if (/httpHandler\(\s*\{[^}]*access:/.test(s)) { console.log('has access', entry); continue; }
  const access = auth === 'public' ? 'publicRoute' : `keyed(${auth.split(',').map((r) => `'${r}'`).join(', ')})`;
  const n = (s.match(/httpHandler\(\{/g) ?? []).length;
  if (n !== 1) { console.log('MANUAL', entry, n); continue; }
  s = s.replace(/httpHandler\(\{\s*\}/, `httpHandler({ access: ${access} }`).replace(/httpHandler\(\{ (?!access)/, `httpHandler({ access: ${access}, `);
  const shared = relative(dirname(file), `${root}/functions/shared`) || '.';
  if (auth === 'public') {
    s = s.replace(/import \{ ([^}]*)\bhttpHandler\b([^}]*)\} from '([^']*shared\/http\.js)';/, (_all, a, b, p) => `import { ${a}httpHandler, publicRoute${b}} from '${p}';`);
  } else {
    s = s.replace(/(import \{[^}]*\bhttpHandler\b[^}]*\} from '[^']*shared\/http\.js';)/, `import { keyed } from '${shared}/auth.js';\n$1`);
  }
  writeFileSync(file, s);
  console.log('ok', entry, access);
}
