import type { Manifest } from '../../../lib/manifest.js';
import { createRouter } from '../../../lib/local/http-server.js';

const fn = { entry: 'x.ts', description: 'x', table: 'none' } as const;
const testManifest: Manifest = {
  functions: { a: fn, b: fn, c: fn, d: fn, fallback: fn },
  routes: [
    { method: 'GET', path: '/v1/orders/{id}', auth: 'public', function: 'a' },
    { method: 'GET', path: '/v1/orders/summary', auth: 'public', function: 'b' },
    { method: 'POST', path: '/v1/orders/{id}/cancel', auth: 'public', function: 'c' },
    { method: 'GET', path: '/files/{path+}', auth: 'public', function: 'd' },
    { method: 'ANY', path: '$default', auth: 'public', function: 'fallback' },
  ],
  rules: [],
  streams: [],
  schedules: [],
};

describe('local router', () => {
  const route = createRouter(testManifest);

  it('prefers literal segments over parameters, as API Gateway does', () => {
    expect(route('GET', '/v1/orders/summary')?.route.function).toBe('b');
    expect(route('GET', '/v1/orders/ord_1')).toMatchObject({ route: { function: 'a' }, pathParameters: { id: 'ord_1' } });
  });

  it('decodes path parameters and supports greedy ones', () => {
    expect(route('POST', '/v1/orders/a%20b/cancel')?.pathParameters).toEqual({ id: 'a b' });
    expect(route('GET', '/files/a/b/c.txt')?.pathParameters).toEqual({ path: 'a/b/c.txt' });
  });

  it('sends a wrong method or an unknown path to $default, as API Gateway does', () => {
    expect(route('DELETE', '/v1/orders/ord_1')?.route.function).toBe('fallback');
    expect(route('GET', '/v1/nothing')?.route.function).toBe('fallback');
    expect(route('GET', '/v1/orders/ord_1/cancel')?.route.function).toBe('fallback');
    expect(createRouter({ ...testManifest, routes: testManifest.routes.slice(0, 1) })('GET', '/x')).toBeUndefined();
  });
});
