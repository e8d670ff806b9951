import { ConfigError } from '../../../functions/shared/errors.js';
import {
  defaultPricingConfig,
  loadPricingConfig,
  marketCurrency,
  pricingConfigSchema,
} from '../../../functions/orders/pricing-config.js';

describe('defaultPricingConfig', () => {
  it('holds the DOMAIN.md defaults', () => {
    expect(marketCurrency).toEqual({ US: 'USD', HK: 'HKD', MO: 'MOP' });
    expect(defaultPricingConfig.fxRates).toEqual({ USD: '7.1500', HKD: '0.9200', MOP: '0.8900' });
    expect(defaultPricingConfig.shipping).toEqual({
      US: { firstWeightGrams: 500, firstFen: 6000, stepGrams: 500, stepFen: 3000 },
      HK: { firstWeightGrams: 500, firstFen: 2000, stepGrams: 500, stepFen: 1000 },
      MO: { firstWeightGrams: 500, firstFen: 2500, stepGrams: 500, stepFen: 1200 },
    });
    expect(defaultPricingConfig.duties).toEqual([
      { market: 'HK', hsPrefix: '', rateBps: 0, effectiveFrom: '1997-07-01' },
      { market: 'MO', hsPrefix: '', rateBps: 0, effectiveFrom: '1999-12-20' },
      { market: 'US', hsPrefix: '', rateBps: 1000, effectiveFrom: '2025-08-29' },
    ]);
    expect(defaultPricingConfig.restricted).toEqual({
      all: [
        { from: '93', to: '93' },
        { from: '2401', to: '2403' },
        { from: '3601', to: '3604' },
      ],
      US: [],
      HK: [{ from: '2208', to: '2208' }],
      MO: [{ from: '2208', to: '2208' }],
    });
  });

  it('validates against its own schema', () => {
    expect(pricingConfigSchema.parse(defaultPricingConfig)).toEqual(defaultPricingConfig);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(defaultPricingConfig)).toBe(true);
    expect(Object.isFrozen(defaultPricingConfig.fxRates)).toBe(true);
    expect(Object.isFrozen(defaultPricingConfig.duties[0])).toBe(true);
    expect(() => {
      (defaultPricingConfig.fxRates as { USD: string }).USD = '1';
    }).toThrow(TypeError);
  });
});

describe('loadPricingConfig', () => {
  it.each([[undefined], [''], ['  ']])('returns the defaults for %p', (json) => {
    expect(loadPricingConfig(json)).toEqual(defaultPricingConfig);
  });

  it('returns the defaults for an empty override object', () => {
    expect(loadPricingConfig('{}')).toEqual(defaultPricingConfig);
  });

  it('merges objects key by key: one FX rate', () => {
    const config = loadPricingConfig('{"fxRates":{"USD":"7.2013"}}');
    expect(config.fxRates).toEqual({ USD: '7.2013', HKD: '0.9200', MOP: '0.8900' });
    expect(config.shipping).toEqual(defaultPricingConfig.shipping);
    expect(config.duties).toEqual(defaultPricingConfig.duties);
  });

  it('merges objects key by key: one shipping field', () => {
    const config = loadPricingConfig('{"shipping":{"US":{"stepFen":2500}}}');
    expect(config.shipping.US).toEqual({ firstWeightGrams: 500, firstFen: 6000, stepGrams: 500, stepFen: 2500 });
    expect(config.shipping.HK).toEqual(defaultPricingConfig.shipping.HK);
  });

  it('replaces arrays: duty rules and restricted lists', () => {
    const config = loadPricingConfig(
      JSON.stringify({
        duties: [
          { market: 'US', hsPrefix: '', rateBps: 0, effectiveFrom: '2020-01-01', effectiveTo: '2025-08-29' },
          { market: 'US', hsPrefix: '6109', rateBps: 2500, effectiveFrom: '2025-08-29' },
        ],
        restricted: { US: [{ from: '2208', to: '2208' }] },
      }),
    );
    expect(config.duties).toHaveLength(2);
    expect(config.duties[1]).toEqual({ market: 'US', hsPrefix: '6109', rateBps: 2500, effectiveFrom: '2025-08-29' });
    expect(config.restricted.US).toEqual([{ from: '2208', to: '2208' }]);
    expect(config.restricted.all).toEqual(defaultPricingConfig.restricted.all);
    expect(config.restricted.HK).toEqual(defaultPricingConfig.restricted.HK);
  });

  it('does not modify the defaults', () => {
    loadPricingConfig('{"fxRates":{"USD":"1"},"shipping":{"MO":{"firstFen":1}}}');
    expect(defaultPricingConfig.fxRates.USD).toBe('7.1500');
    expect(defaultPricingConfig.shipping.MO.firstFen).toBe(2500);
  });

  it.each([
    ['invalid JSON', '{"fxRates":', /not valid JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['a number', '7.15', /must be a JSON object/],
    ['an unknown top-level key', '{"fx":{"USD":"7"}}', /\(root\)/],
    ['an unknown currency', '{"fxRates":{"EUR":"7.8"}}', /fxRates/],
    ['a rate as a number', '{"fxRates":{"USD":7.15}}', /fxRates\.USD/],
    ['a rate with 7 decimals', '{"fxRates":{"USD":"7.1500001"}}', /fxRates\.USD/],
    ['a negative rate', '{"fxRates":{"USD":"-7.15"}}', /fxRates\.USD/],
    ['a zero rate', '{"fxRates":{"HKD":"0.000000"}}', /fxRates\.HKD: must be greater than zero/],
    ['a rate with a comma', '{"fxRates":{"MOP":"0,89"}}', /fxRates\.MOP/],
    ['a fractional fen amount', '{"shipping":{"US":{"firstFen":60.5}}}', /shipping\.US\.firstFen/],
    ['a negative fen amount', '{"shipping":{"HK":{"stepFen":-1}}}', /shipping\.HK\.stepFen/],
    ['a zero step', '{"shipping":{"MO":{"stepGrams":0}}}', /shipping\.MO\.stepGrams/],
    ['an unknown shipping field', '{"shipping":{"US":{"perKg":1}}}', /shipping\.US/],
    ['a duty rule for an unknown market', '{"duties":[{"market":"CN","hsPrefix":"","rateBps":0,"effectiveFrom":"2020-01-01"}]}', /duties\.0\.market/],
    ['a non-calendar date', '{"duties":[{"market":"US","hsPrefix":"","rateBps":0,"effectiveFrom":"2025-02-30"}]}', /duties\.0\.effectiveFrom/],
    ['a date in another format', '{"duties":[{"market":"US","hsPrefix":"","rateBps":0,"effectiveFrom":"29/08/2025"}]}', /duties\.0\.effectiveFrom/],
    ['effectiveTo not after effectiveFrom', '{"duties":[{"market":"US","hsPrefix":"","rateBps":0,"effectiveFrom":"2025-08-29","effectiveTo":"2025-08-29"}]}', /duties\.0\.effectiveTo/],
    ['a fractional rate', '{"duties":[{"market":"US","hsPrefix":"","rateBps":10.5,"effectiveFrom":"2025-08-29"}]}', /duties\.0\.rateBps/],
    ['a non-digit prefix', '{"duties":[{"market":"US","hsPrefix":"61.09","rateBps":1,"effectiveFrom":"2025-08-29"}]}', /duties\.0\.hsPrefix/],
    [
      'two rules for the same market, prefix and start',
      '{"duties":[{"market":"US","hsPrefix":"61","rateBps":1,"effectiveFrom":"2025-08-29"},{"market":"US","hsPrefix":"61","rateBps":2,"effectiveFrom":"2025-08-29"}]}',
      /duties\.1: duplicate rule/,
    ],
    ['a range with from after to', '{"restricted":{"all":[{"from":"2403","to":"2401"}]}}', /restricted\.all\.0\.to/],
    ['a one-digit range bound', '{"restricted":{"HK":[{"from":"9","to":"9"}]}}', /restricted\.HK\.0\.from/],
    ['a restricted list for an unknown market', '{"restricted":{"CN":[]}}', /restricted/],
    ['a __proto__ key', '{"__proto__":{"fxRates":{"USD":"1"}}}', /\(root\)/],
  ])('rejects %s with a ConfigError naming the problem', (_label, json, message) => {
    expect(() => loadPricingConfig(json)).toThrow(ConfigError);
    expect(() => loadPricingConfig(json)).toThrow(message);
  });

  it('accepts rates with up to 6 decimals and integer rates', () => {
    expect(loadPricingConfig('{"fxRates":{"USD":"7.123456","HKD":"1","MOP":"0.000001"}}').fxRates).toEqual({
      USD: '7.123456',
      HKD: '1',
      MOP: '0.000001',
    });
  });
});
