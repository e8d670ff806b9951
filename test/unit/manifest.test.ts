import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { eventCatalogue } from '../../events/catalogue.js';
import { manifest, routeKey, secretsOf } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';

const functionNames = Object.keys(manifest.functions);

describe('wiring manifest', () => {
  it('every function entry exists and exports a handler', async () => {
    for (const spec of Object.values(manifest.functions)) {
      const file = join(projectRoot, spec.entry);
      expect(existsSync(file)).toBe(true);
      const module = (await import(file)) as { handler?: unknown };
      expect(typeof module.handler).toBe('function');
    }
  });

  it('routes are unique and reach known functions', () => {
    const keys = manifest.routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of manifest.routes) {
      expect(functionNames).toContain(route.function);
      expect(route.path).toMatch(/^(\/[A-Za-z0-9/{}_.+-]*|\$default)$/);
      if (route.auth !== 'public') expect(route.auth.length).toBeGreaterThan(0);
    }
  });

  it('functions behind keyed routes can read the table (API keys are looked up there)', () => {
    for (const route of manifest.routes) {
      if (route.auth !== 'public') expect(manifest.functions[route.function].table).not.toBe('none');
    }
  });

  it('rules name catalogued detail-types from their own source, and known targets', () => {
    for (const rule of manifest.rules) {
      expect(functionNames).toContain(rule.target);
      for (const detailType of rule.detailTypes) expect(rule.source).toContain(eventCatalogue[detailType].source);
    }
  });

  it('streams and schedules reach known functions', () => {
    for (const s of [...manifest.streams, ...manifest.schedules]) expect(functionNames).toContain(s.function);
  });

  it('only the relay publishes, and every keyed route function gets the operator key secret', () => {
    const publishers = Object.entries(manifest.functions).filter(([, f]) => 'publishes' in f).map(([name]) => name);
    expect(publishers).toEqual(['outboxRelay']);
    expect(secretsOf('createApiKey')).toEqual(['adminApiKey']);
    expect(secretsOf('listAuditEvents').sort()).toEqual(['adminApiKey', 'cursorKey']);
    expect(secretsOf('health')).toEqual([]);
    expect(secretsOf('outboxRelay')).toEqual([]);
  });
});
