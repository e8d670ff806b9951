/**
 * Data residency ("dual line"): what of the manifest a stage deploys. A stage without
 * payments (the China line) has no Stripe: every function that reads a Stripe secret
 * (per `secretsOf`) is left out, with the routes, rules, streams and schedules that reach
 * it, so no request, event or secret of that stage ever goes to Stripe.
 */
import { secretsOf, type Manifest, type SecretName } from '../manifest.js';
import type { StageConfig } from './stages.js';

/** The secrets that only payment functions read; a stage without payments creates none of them. */
export const paymentSecrets = ['stripeSecretKey', 'stripeWebhookSecret'] as const satisfies readonly SecretName[];

const isPaymentSecret = (secret: SecretName): boolean => (paymentSecrets as readonly SecretName[]).includes(secret);

/** Whether the function reads a Stripe secret (and so talks to Stripe). */
export const usesPayments = (functionName: string, manifest: Manifest): boolean =>
  secretsOf(functionName, manifest).some(isPaymentSecret);

/** The functions a stage without payments leaves out. */
export const paymentFunctions = (manifest: Manifest): string[] =>
  Object.keys(manifest.functions).filter((name) => usesPayments(name, manifest));

/** The manifest as the stage deploys it. */
export const manifestForStage = (manifest: Manifest, stage: Pick<StageConfig, 'payments'>): Manifest => {
  if (stage.payments) return manifest;
  const omitted = new Set(paymentFunctions(manifest));
  const kept = (name: string): boolean => !omitted.has(name);
  return {
    functions: Object.fromEntries(Object.entries(manifest.functions).filter(([name]) => kept(name))),
    routes: manifest.routes.filter((route) => kept(route.function)),
    rules: manifest.rules.filter((rule) => kept(rule.target)),
    streams: manifest.streams.filter((stream) => kept(stream.function)),
    schedules: manifest.schedules.filter((schedule) => kept(schedule.function)),
    ...(manifest.queues ? { queues: manifest.queues.filter((queue) => kept(queue.function)) } : {}),
  };
};

/** Every secret some function of the manifest reads: what the stateful stack creates. */
export const secretsUsed = (manifest: Manifest): SecretName[] => [
  ...new Set(Object.keys(manifest.functions).flatMap((name) => secretsOf(name, manifest))),
];
