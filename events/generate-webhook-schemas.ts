import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from './json-schemas.js';
import { webhookJsonSchemaFiles } from './webhooks/payloads.js';

const dir = join(import.meta.dirname, 'webhooks', 'json-schema');
mkdirSync(dir, { recursive: true });
for (const old of readdirSync(dir)) rmSync(join(dir, old));
for (const { file, schema } of webhookJsonSchemaFiles()) writeFileSync(join(dir, file), serialize(schema));
console.log(`wrote ${webhookJsonSchemaFiles().length} webhook payload schemas to ${dir}`);
