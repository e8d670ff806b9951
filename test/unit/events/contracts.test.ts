import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detailTypes, eventCatalogue, eventSources, type DetailType } from '../../../events/catalogue.js';
import { manifest } from '../../../lib/manifest.js';
import { jsonSchemaFiles, serialize } from '../../../events/json-schemas.js';
import { outboxEvent } from '../../../functions/shared/outbox.js';

const eventsDir = fileURLToPath(new URL('../../../events/', import.meta.url));

describe('event contracts', () => {
  it('checked-in JSON Schemas are exactly what the zod contracts generate (run npm run events:schemas)', () => {
    const generated = jsonSchemaFiles();
    expect(readdirSync(join(eventsDir, 'json-schema')).sort()).toEqual(generated.map((g) => g.file).sort());
    for (const { file, schema } of generated) {
      expect(readFileSync(join(eventsDir, 'json-schema', file), 'utf8')).toBe(serialize(schema));
    }
  });

  it('every catalogued event has an example, and every example validates against its contract', () => {
    const examples = readdirSync(join(eventsDir, 'examples'));
    expect(examples.sort()).toEqual(jsonSchemaFiles().map((g) => g.file).sort());
    for (const file of examples) {
      const example = JSON.parse(readFileSync(join(eventsDir, 'examples', file), 'utf8')) as { source: string; 'detail-type': DetailType; detail: unknown };
      const entry = eventCatalogue[example['detail-type']];
      expect(entry.source).toBe(example.source);
      expect(() => entry.schema.parse(example.detail)).not.toThrow();
    }
  });

  it('docs/events.md lists every event with its source, version and exactly the consumers the manifest wires', () => {
    const markdown = readFileSync(join(eventsDir, '..', 'docs', 'events.md'), 'utf8');
    const rows = new Map(
      [...markdown.matchAll(/^\| `(\w+)` \| `(xborder\.\w+)` \| (\d+) \| .* \| ([^|]*) \|$/gm)].map((m) => [m[1], { source: m[2], version: Number(m[3]), consumers: m[4]?.trim() }]),
    );
    for (const detailType of detailTypes) {
      const rules = manifest.rules.filter((r) => (r.detailTypes as readonly string[]).includes(detailType)).map((r) => `\`${r.name}\` -> \`${r.target}\``);
      const queues = manifest.queues.filter((q) => (q.fedBy.detailTypes as readonly string[]).includes(detailType)).map((q) => `queue \`${q.name}\` -> \`${q.function}\``);
      const consumers = [...rules, ...queues].join('; ') || 'none';
      expect([detailType, rows.get(detailType)]).toEqual([detailType, { source: eventCatalogue[detailType].source, version: eventCatalogue[detailType].version, consumers }]);
      // And the sources table names it under its source.
      const sourceRow = new RegExp(`^\\| \`${eventCatalogue[detailType].source.replace('.', '\\.')}\` \\|.*\`${detailType}\``, 'm');
      expect([detailType, sourceRow.test(markdown)]).toEqual([detailType, true]);
    }
    expect(rows.size).toBe(detailTypes.length);
  });

  it('detail-types are past-tense PascalCase and sources are known', () => {
    for (const [detailType, entry] of Object.entries(eventCatalogue)) {
      // Past tense: regular -ed, or an irregular participle in use.
      expect(detailType).toMatch(/^[A-Z][A-Za-z]+(ed|Paid)$/);
      expect(Object.values(eventSources)).toContain(entry.source);
    }
  });

  it('outbox events carry metadata and refuse data that breaks the contract', () => {
    const item = outboxEvent(
      eventCatalogue.ApiKeyCreated,
      { keyId: 'key_1', role: 'finance', tenantId: null, createdBy: 'admin', createdAt: '2026-11-01T00:00:00.000Z' },
      { correlationId: 'corr-1', now: new Date('2026-11-02T03:04:05.000Z') },
    );
    expect(item).toMatchObject({ source: 'xborder.platform', detailType: 'ApiKeyCreated', correlationId: 'corr-1', occurredAt: '2026-11-02T03:04:05.000Z' });
    expect(item.ttl).toBe(Date.parse('2026-11-09T03:04:05.000Z') / 1000);
    expect(JSON.parse(item.detail)).toMatchObject({ metadata: { eventId: item.eventId, version: 1, correlationId: 'corr-1' } });
    expect(() =>
      outboxEvent(eventCatalogue.ApiKeyCreated, { keyId: 'nope', role: 'finance', tenantId: null, createdBy: 'admin', createdAt: 'yesterday' }, { correlationId: 'c' }),
    ).toThrow();
  });
});
