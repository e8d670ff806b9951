import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaFiles, serialize } from './json-schemas.js';

const dir = join(import.meta.dirname, 'json-schema');
mkdirSync(dir, { recursive: true });
for (const old of readdirSync(dir)) rmSync(join(dir, old));
for (const { file, schema } of jsonSchemaFiles()) writeFileSync(join(dir, file), serialize(schema));
console.log(`wrote ${jsonSchemaFiles().length} schemas to ${dir}`);
