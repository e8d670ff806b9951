import Stripe from 'stripe';
import { readSecret } from '../secrets.js';

let cached: { key: string; client: Stripe } | undefined;

/**
 * The Stripe client, created once per key. With STRIPE_API_BASE (the local runtime and
 * tests set it to the offline stand-in) the real SDK talks to that host instead.
 */
export const stripeClient = async (): Promise<Stripe> => {
  const key = await readSecret('stripeSecretKey');
  if (cached?.key === key) return cached.client;
  const base = process.env.STRIPE_API_BASE ? new URL(process.env.STRIPE_API_BASE) : undefined;
  const client = new Stripe(key, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    appInfo: { name: 'xborder-commerce' },
    ...(base
      ? {
          host: base.hostname,
          protocol: base.protocol === 'http:' ? ('http' as const) : ('https' as const),
          port: base.port ? Number(base.port) : base.protocol === 'http:' ? 80 : 443,
        }
      : {}),
  });
  cached = { key, client };
  return client;
};
