/**
 * Holding plain document-client writes (functions/shared/db/write.ts) to the ElectroDB entities
 * that define each item's layout: the item a create or put writes, and what an update sets,
 * adds and removes, compared attribute by attribute (expression token names differ).
 */
export const table = { table: 'T' };

type Params = {
  Item?: Record<string, unknown>;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
};

/** The item an ElectroDB `create(...)`/`put(...)` `.params()` writes, or a plain Put's. */
export const itemWritten = (params: unknown): Record<string, unknown> => {
  const p = params as Params & { Put?: Params };
  const item = p.Item ?? p.Put?.Item;
  if (!item) throw new Error('not a put');
  return item;
};

export interface UpdateEffect {
  readonly set: Record<string, unknown>;
  readonly setIfAbsent: Record<string, unknown>;
  readonly add: Record<string, unknown>;
  readonly remove: string[];
}

/** What an update expression does, by attribute name (ElectroDB's `.params()` or a plain Update transaction item). */
export const updateEffect = (params: unknown): UpdateEffect => {
  const outer = params as Params & { Update?: Params };
  const p = outer.Update ?? outer;
  const names = p.ExpressionAttributeNames ?? {};
  const values = p.ExpressionAttributeValues ?? {};
  const name = (token: string): string => names[token.trim()] ?? token.trim();
  const value = (token: string): unknown => values[token.trim()];
  const effect: UpdateEffect = { set: {}, setIfAbsent: {}, add: {}, remove: [] };
  const clauses = (p.UpdateExpression ?? '').split(/\b(SET|ADD|REMOVE|DELETE)\b/).map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < clauses.length; i += 2) {
    const [keyword, body = ''] = [clauses[i], clauses[i + 1]];
    const parts = body.split(/,(?![^(]*\))/).map((s) => s.trim()).filter(Boolean);
    for (const part of parts) {
      if (keyword === 'SET') {
        const [left = '', right = ''] = part.split('=').map((s) => s.trim());
        const ifAbsent = /^if_not_exists\(\s*([^,]+),\s*([^)]+)\)$/.exec(right);
        if (ifAbsent) effect.setIfAbsent[name(left)] = value(ifAbsent[2] ?? '');
        else effect.set[name(left)] = value(right);
      } else if (keyword === 'ADD') {
        const [attribute = '', v = ''] = part.split(/\s+/);
        effect.add[name(attribute)] = value(v);
      } else if (keyword === 'REMOVE') {
        effect.remove.push(name(part));
      }
    }
  }
  effect.remove.sort();
  return effect;
};

type Expressed = { ConditionExpression?: string; KeyConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> };

/**
 * A condition (or, with `key`, a key condition) with its `#names` and `:values` replaced by
 * what they stand for, brackets and keyword case aside: ElectroDB does not bracket the parts
 * it joins, write.ts does, so two writes compare as text. Without brackets `A AND (B OR C)`
 * and `A AND B OR C` would read the same: a condition mixing AND and OR is refused here, to
 * be compared by what it means instead (logistics' plain-writes test does that).
 */
export const resolvedCondition = (params: unknown, which: 'condition' | 'key' = 'condition'): string => {
  const outer = params as Expressed & { Put?: Expressed; Update?: Expressed; Delete?: Expressed; ConditionCheck?: Expressed };
  const p = outer.Put ?? outer.Update ?? outer.Delete ?? outer.ConditionCheck ?? outer;
  const names = p.ExpressionAttributeNames ?? {};
  const values = p.ExpressionAttributeValues ?? {};
  const text = ((which === 'key' ? p.KeyConditionExpression : p.ConditionExpression) ?? '')
    .replace(/[#:][A-Za-z0-9_]+/g, (token) => (token.startsWith('#') ? (names[token] ?? token) : JSON.stringify(values[token])))
    .replace(/\b(and|or|not)\b/gi, (keyword) => keyword.toUpperCase())
    .replace(/[()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (/\bAND\b/.test(text) && /\bOR\b/.test(text)) throw new Error(`compare "${text}" by its meaning: it mixes AND and OR`);
  return text;
};
