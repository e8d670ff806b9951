/**
 * Checks answers against the served OpenAPI 3.1 document: which statuses an operation
 * documents, and a small JSON Schema (2020-12 subset) validator over its schemas. It covers
 * the keywords zod-to-openapi writes (`$ref` to components, type, properties, required,
 * additionalProperties, items, enum, const, anyOf/oneOf/allOf, string and number bounds,
 * pattern, date-time and email formats) and fails loudly on any other keyword, so the
 * document cannot quietly outgrow it.
 */
type Schema = Record<string, unknown> | boolean;
export type OpenApi = {
  readonly paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  readonly components?: { schemas?: Record<string, Schema> };
};

const annotations = new Set(['description', 'example', 'examples', 'title', 'default', 'deprecated', 'readOnly', 'writeOnly', 'id']);
const checked = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'allOf',
  'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems',
]);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;

const formats: Record<string, (value: string) => boolean> = {
  'date-time': (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  email: (v) => /^[^\s@]+@[^\s@]+$/.test(v),
};

export const validateSchema = (doc: OpenApi, schema: Schema, value: unknown, path = '$'): string[] => {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value allowed`];
  const errors: string[] = [];
  const unknown = Object.keys(schema).filter((k) => !checked.has(k) && !annotations.has(k));
  if (unknown.length) throw new Error(`openapi-validate: unsupported keyword(s) ${unknown.join(', ')} at ${path}`);
  const sub = (s: unknown, v: unknown, p: string) => validateSchema(doc, s as Schema, v, p);

  if (typeof schema.$ref === 'string') {
    const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : doc.components?.schemas?.[decodeURIComponent(name)];
    if (target === undefined) throw new Error(`openapi-validate: unresolved $ref ${schema.$ref}`);
    errors.push(...sub(target, value, path));
  }
  if (schema.type !== undefined) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number'))) return [...errors, `${path}: expected ${types.join('|')}, got ${actual}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) errors.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) errors.push(`${path}: not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf) errors.push(...sub(s, value, path));
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => sub(s, value, path).length === 0)) errors.push(`${path}: matches no anyOf branch`);
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((s) => sub(s, value, path).length === 0).length !== 1) errors.push(`${path}: does not match exactly one oneOf branch`);

  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errors.push(`${path}: does not match ${schema.pattern}`);
    const format = typeof schema.format === 'string' ? formats[schema.format] : undefined;
    if (format && !format(value)) errors.push(`${path}: not a ${String(schema.format)}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) errors.push(`${path}: not above ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) errors.push(`${path}: not below ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items !== undefined) value.forEach((item, i) => errors.push(...sub(schema.items, item, `${path}[${i}]`)));
  }
  if (isRecord(value)) {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    for (const name of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (!(name in value)) errors.push(`${path}.${name}: required`);
    }
    for (const [name, v] of Object.entries(value)) {
      if (name in properties) errors.push(...sub(properties[name], v, `${path}.${name}`));
      else if (schema.additionalProperties !== undefined) errors.push(...sub(schema.additionalProperties, v, `${path}.${name}`));
    }
  }
  return errors;
};

/** The OpenAPI path template a manifest route is documented under, and its operation. */
export const operationOf = (doc: OpenApi, method: string, path: string) => doc.paths[path]?.[method.toLowerCase()];

/** The statuses an operation documents (success answers and problems). */
export const documentedStatuses = (doc: OpenApi, method: string, path: string): number[] =>
  Object.keys(operationOf(doc, method, path)?.responses ?? {}).map(Number);

/**
 * Violations of the document by one answer: an undocumented status, or a JSON body that
 * does not match the schema documented for its status and media type.
 */
export const answerViolations = (doc: OpenApi, method: string, path: string, status: number, contentType: string, body: unknown): string[] => {
  const operation = operationOf(doc, method, path);
  if (!operation) return [`${method} ${path} is not in the document`];
  const response = operation.responses[String(status)];
  if (!response) return [`status ${status} is not documented`];
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const content = response.content ?? {};
  if (body === undefined) return [];
  const media = content[mediaType];
  if (!media) return [`media type ${mediaType} is not documented for ${status} (documented: ${Object.keys(content).join(', ') || 'no body'})`];
  return media.schema === undefined ? [] : validateSchema(doc, media.schema, body);
};
