import type { Manifest } from '../../../lib/manifest.js';
import { createRouter } from '../../../lib/local/http-server.js';

const fn = { entry: 'x.ts', description: 'x', table: 'none' } as const;
const testManifest: Manifest = {
  functions: { a: fn, b: fn, c: fn, d: fn },
  routes: [
    { method: 'GET', path: '/v1/orders/{id}', auth: 'public', function: 'a' },
    { method: 'GET', path: '/v1/orders/summary', auth: 'public', function: 'b' },
    { method: 'POST', path: '/v1/orders/{id}/cancel', auth: 'public', function: 'c' },
    { method: 'GET', path: '/files/{path+}', auth: 'public', function: 'd' },
  ],
  rules: [],
  streams: [],
  schedules: [],
};

describe('local router', () => {
  const route = createRouter(testManifest);

  it('prefers literal segments over parameters, as API Gateway does', () => {
    expect(route('GET', '/v1/orders/summary').match?.route.function).toBe('b');
    expect(route('GET', '/v1/orders/ord_1').match).toMatchObject({ route: { function: 'a' }, pathParameters: { id: 'ord_1' } });
  });

  it('decodes path parameters and supports greedy ones', () => {
    expect(route('POST', '/v1/orders/a%20b/cancel').match?.pathParameters).toEqual({ id: 'a b' });
    expect(route('GET', '/files/a/b/c.txt').match?.pathParameters).toEqual({ path: 'a/b/c.txt' });
  });

  it('tells a wrong method (with what is allowed) from an unknown path', () => {
    expect(route('DELETE', '/v1/orders/ord_1')).toEqual({ allowed: ['GET'] });
    expect(route('GET', '/v1/nothing')).toEqual({ allowed: [] });
    expect(route('GET', '/v1/orders/ord_1/cancel').match).toBeUndefined();
  });
});
