/**
 * Pricing configuration for the export pilot: FX rates, shipping rate cards,
 * duty rules and restricted HS ranges (DOMAIN.md, "Orders and landed cost").
 *
 * Typed data with defaults; a JSON override (e.g. env PRICING_CONFIG) is
 * deep-merged over the defaults and the result validated as a whole. Pure: the
 * caller reads the environment.
 */
import * as z from 'zod/mini';
import { ConfigError } from '../shared/errors.js';
import { issueMessage } from '../shared/validation.js';
import { markets } from './markets.js';

export { marketCurrency, type Market, type PresentmentCurrency } from './markets.js';
const marketSchema = z.enum(markets);

/** CNY per 1 unit of presentment currency: a positive decimal with at most 6 decimals. */
const fxRateSchema = z
  .string()
  .check(
    z.regex(/^\d{1,9}(?:\.\d{1,6})?$/, 'must be a decimal string with at most 6 decimals, e.g. "7.1500"'),
    z.refine((rate) => /[1-9]/.test(rate), 'must be greater than zero'),
  );

const isCalendarDate = (text: string): boolean => {
  const [y = NaN, m = NaN, d = NaN] = text.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

const isoDateSchema = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'), z.refine(isCalendarDate, 'must be a calendar date'));

const fen = z.number().check(z.int(), z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER));
const positiveInt = z.number().check(z.int(), z.positive(), z.lte(Number.MAX_SAFE_INTEGER));

/** Rate card in CNY fen: `firstFen` up to `firstWeightGrams`, then `stepFen` per further `stepGrams` or part. */
export const shippingCardSchema = z.strictObject({
  firstWeightGrams: positiveInt,
  firstFen: fen,
  stepGrams: positiveInt,
  stepFen: fen,
});
export type ShippingCard = z.infer<typeof shippingCardSchema>;

/**
 * Ad valorem duty rule. `hsPrefix` '' matches every code; `effectiveTo` is exclusive.
 * Rate in basis points of the CNY merchandise value (1000 = 10%).
 */
export const dutyRuleSchema = z
  .strictObject({
    market: marketSchema,
    hsPrefix: z.string().check(z.regex(/^\d{0,10}$/, 'must be up to 10 digits (empty matches every code)')),
    rateBps: z.number().check(z.int(), z.nonnegative(), z.lte(100_000)),
    effectiveFrom: isoDateSchema,
    effectiveTo: z.optional(isoDateSchema),
  })
  .check(
    z.refine((rule) => rule.effectiveTo === undefined || rule.effectiveTo > rule.effectiveFrom, {
      message: 'effectiveTo must be after effectiveFrom',
      path: ['effectiveTo'],
    }),
  );
export type DutyRule = z.infer<typeof dutyRuleSchema>;

/**
 * Inclusive HS range. A code matches when its leading digits (as many as the
 * bound has) are >= `from` and <= `to`: `{ from: '2401', to: '2403' }` covers
 * every code starting 2401, 2402 or 2403.
 */
export const hsRangeSchema = z
  .strictObject({
    from: z.string().check(z.regex(/^\d{2,10}$/, 'must be 2 to 10 digits')),
    to: z.string().check(z.regex(/^\d{2,10}$/, 'must be 2 to 10 digits')),
  })
  .check(
    z.refine((range) => range.from.padEnd(10, '0') <= range.to.padEnd(10, '9'), {
      message: 'from must not be after to',
      path: ['to'],
    }),
  );
export type HsRange = z.infer<typeof hsRangeSchema>;

export const pricingConfigSchema = z
  .strictObject({
    fxRates: z.strictObject({ USD: fxRateSchema, HKD: fxRateSchema, MOP: fxRateSchema }),
    shipping: z.strictObject({ US: shippingCardSchema, HK: shippingCardSchema, MO: shippingCardSchema }),
    duties: z.array(dutyRuleSchema),
    /** `all` applies to every market; the market keys add ranges for that market only. */
    restricted: z.strictObject({
      all: z.array(hsRangeSchema),
      US: z.array(hsRangeSchema),
      HK: z.array(hsRangeSchema),
      MO: z.array(hsRangeSchema),
    }),
  })
  .check(
    z.superRefine((config, ctx) => {
      // Two rules for the same market and prefix starting the same day are ambiguous.
      const seen = new Set<string>();
      for (const [index, rule] of config.duties.entries()) {
        const key = `${rule.market}|${rule.hsPrefix}|${rule.effectiveFrom}`;
        if (seen.has(key)) {
          ctx.addIssue({
            code: 'custom',
            message: `duplicate rule for market ${rule.market}, prefix "${rule.hsPrefix}" from ${rule.effectiveFrom}`,
            path: ['duties', index],
          });
        }
        seen.add(key);
      }
    }),
  );
export type PricingConfig = z.infer<typeof pricingConfigSchema>;

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

/** The defaults from DOMAIN.md. Frozen: derive a new object to change anything. */
export const defaultPricingConfig: PricingConfig = deepFreeze({
  fxRates: { USD: '7.1500', HKD: '0.9200', MOP: '0.8900' },
  shipping: {
    US: { firstWeightGrams: 500, firstFen: 6000, stepGrams: 500, stepFen: 3000 },
    HK: { firstWeightGrams: 500, firstFen: 2000, stepGrams: 500, stepFen: 1000 },
    MO: { firstWeightGrams: 500, firstFen: 2500, stepGrams: 500, stepFen: 1200 },
  },
  duties: [
    // Free ports: no customs tariff.
    { market: 'HK', hsPrefix: '', rateBps: 0, effectiveFrom: '1997-07-01' },
    { market: 'MO', hsPrefix: '', rateBps: 0, effectiveFrom: '1999-12-20' },
    // De minimis suspended since 2025-08-29: duty from the first dollar.
    { market: 'US', hsPrefix: '', rateBps: 1000, effectiveFrom: '2025-08-29' },
  ],
  restricted: {
    all: [
      { from: '93', to: '93' }, // arms and ammunition
      { from: '2401', to: '2403' }, // tobacco
      { from: '3601', to: '3604' }, // explosives, fireworks
    ],
    US: [],
    HK: [{ from: '2208', to: '2208' }], // spirits: licensed excise goods
    MO: [{ from: '2208', to: '2208' }],
  },
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key, recursively; anything else (arrays included) in the override replaces. */
const deepMerge = (base: unknown, override: unknown): unknown => {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  // Object.fromEntries defines own properties: a "__proto__" key stays data (and fails validation).
  return Object.fromEntries([
    ...Object.entries(base).filter(([key]) => !Object.hasOwn(override, key)),
    ...Object.entries(override).map(([key, value]) => [key, Object.hasOwn(base, key) ? deepMerge(base[key], value) : value]),
  ]);
};

const describeIssues = (error: z.core.$ZodError): string =>
  error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issueMessage(issue)}`).join('; ');

/**
 * The pricing configuration: the defaults, with `json` (e.g. `process.env.PRICING_CONFIG`)
 * deep-merged over them when given. Objects merge key by key (`{"fxRates":{"USD":"7.2"}}`
 * changes only USD; `{"shipping":{"US":{"stepFen":2500}}}` only that field); arrays
 * (`duties`, `restricted.*`) replace the default list entirely. The merged result is
 * validated; invalid JSON or values throw a `ConfigError` naming the offending paths.
 */
export const loadPricingConfig = (json?: string): PricingConfig => {
  // The default is typed and checked against the schema by its unit test: parsing it again at every cold start (~7 ms) buys nothing.
  if (json === undefined || json.trim() === '') return defaultPricingConfig;
  let override: unknown;
  try {
    override = JSON.parse(json);
  } catch (cause) {
    throw new ConfigError(`pricing config is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  if (!isPlainObject(override)) throw new ConfigError('pricing config must be a JSON object');
  const result = pricingConfigSchema.safeParse(deepMerge(defaultPricingConfig, override));
  if (!result.success) {
    throw new ConfigError(`pricing config is invalid: ${describeIssues(result.error)}`, { cause: result.error });
  }
  return result.data;
};
