import * as z from 'zod/mini';
import { createItem, outboxItem, transactWrite } from '../shared/db/write.js';
import { agencyItem } from './payout-items.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { newId } from '../shared/ids.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { AgencyRegistered } from '../../events/schemas/platform.js';

export const createAgencyBody = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  country: z.string().check(z.regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code')),
  feeBps: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
});

/** POST /v1/admin/agencies: an MCN agency; `feeBps` is its share of its creators' gross. */
export const handler = httpHandler({ access: keyed('admin'), body: createAgencyBody }, async (request) => {
  const now = new Date();
  const agency = { agencyId: newId('agy'), ...request.body, createdAt: now.toISOString() };
  const registered = outboxEvent(
    AgencyRegistered,
    { agencyId: agency.agencyId, name: agency.name, country: agency.country, feeBps: agency.feeBps, registeredAt: agency.createdAt },
    requestContext(request, now),
  );
  const result = await transactWrite([createItem(agencyItem(agency)), outboxItem(registered)]);
  if (result.canceled) throw new Error(`agency ${agency.agencyId} was not written: ${result.codes.join(', ')}`);
  const { agencyId, ...rest } = agency;
  return { status: 201, body: { agency: { id: agencyId, ...rest } } };
});
