/**
 * Handlers state who may call them (`access` in httpHandler) next to their code; the manifest
 * wires the same routes on API Gateway and locally. This proves the two agree, route by route,
 * so a handler can never be deployed behind a route that expects other roles.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { manifest } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';

const routesByFunction = new Map<string, Set<string>>();
for (const route of manifest.routes) {
  const auth = route.auth === 'public' ? 'public' : [...route.auth].sort().join(',');
  routesByFunction.set(route.function, (routesByFunction.get(route.function) ?? new Set()).add(auth));
}

describe('route access: handler and manifest agree', () => {
  it.each([...routesByFunction].map(([fn, auths]) => [fn, [...auths]] as const))('%s', async (fn, auths) => {
    const entry = (manifest.functions as Record<string, { entry: string }>)[fn]?.entry ?? '';
    const mod = (await import(pathToFileURL(join(projectRoot, entry)).href)) as { handler?: { access?: { auth: unknown } } };
    const stated = mod.handler?.access?.auth;
    expect(stated).toBeDefined();
    const normalized = stated === 'public' ? 'public' : [...(stated as string[])].sort().join(',');
    expect(auths).toEqual([normalized]);
  });
});
