import * as z from 'zod';
import { db } from '../shared/db/service.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { newId } from '../shared/ids.js';

export const createAgencyBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code'),
  feeBps: z.number().int().min(0).max(10_000),
});

/** POST /v1/admin/agencies: an MCN agency; `feeBps` is its share of its creators' gross. */
export const handler = httpHandler({ access: keyed('admin'), body: createAgencyBody }, async ({ body }) => {
  const agency = { agencyId: newId('agy'), ...body, createdAt: new Date().toISOString() };
  await db().entities.agency.create(agency).go();
  const { agencyId, ...rest } = agency;
  return { status: 201, body: { agency: { id: agencyId, ...rest } } };
});
