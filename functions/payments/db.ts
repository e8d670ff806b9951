import { serviceOf } from '../shared/db/service.js';
import { stripeEventEntity } from '../orders/entities.js';
import { unmatchedStripeEventEntity } from './entities.js';

/**
 * The Stripe adapter's own model: events that matched no order, kept with the orders
 * context's dedupe marker (`stripeEvent`) in one transaction. Order changes go through the
 * orders context's store (functions/orders/order-store.ts).
 */
const entities = {
  stripeEvent: stripeEventEntity,
  unmatchedStripeEvent: unmatchedStripeEventEntity,
};

/** This adapter's ElectroDB service on the configured table. */
export const db = serviceOf(entities);
