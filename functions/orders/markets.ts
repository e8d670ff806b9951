/** The pilot's destination markets and the currency each buyer pays in (import-free: read by every orders bundle). */
export const markets = ['US', 'HK', 'MO'] as const;
export type Market = (typeof markets)[number];

export const presentmentCurrencies = ['USD', 'HKD', 'MOP'] as const;
export type PresentmentCurrency = (typeof presentmentCurrencies)[number];

/** The currency the buyer pays in, per destination market. */
export const marketCurrency: Readonly<Record<Market, PresentmentCurrency>> = Object.freeze({
  US: 'USD',
  HK: 'HKD',
  MO: 'MOP',
});
