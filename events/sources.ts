/** Event sources, one per bounded context (import-free: handlers and infrastructure both read it). */
export const eventSources = {
  orders: 'xborder.orders',
  payments: 'xborder.payments',
  logistics: 'xborder.logistics',
  payouts: 'xborder.payouts',
  platform: 'xborder.platform',
} as const;
export type EventSource = (typeof eventSources)[keyof typeof eventSources];
