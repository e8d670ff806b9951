import * as z from 'zod';
import { db } from './db.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { issuePartnerSecret, partnerCode, partnerView } from './partners.js';
import { LogisticsPartnerRegistered } from '../../events/schemas/logistics.js';

export const registerPartnerBody = z.strictObject({ code: partnerCode, name: z.string().trim().min(1).max(200) });

/** POST /v1/admin/logistics-partners: the partner and its first `whsec_` secret (in this answer only). */
export const handler = httpHandler({ access: keyed('admin'), body: registerPartnerBody }, async (request) => {
  const now = new Date();
  const { secret, stored } = await issuePartnerSecret(now);
  const partner = { ...request.body, secrets: [stored], createdAt: now.toISOString(), version: 1 };
  const registered = outboxEvent(
    LogisticsPartnerRegistered,
    { partnerCode: partner.code, name: partner.name, registeredAt: partner.createdAt },
    requestContext(request, now),
  );
  const result = await db()
    .transaction.write(({ partner: partners, outbox }) => [partners.create(partner).commit(), outbox.create(registered).commit()])
    .go();
  if (result.canceled) {
    if (result.data[0]?.code === 'ConditionalCheckFailed') throw new ProblemError('already_exists', { params: { reason: 'partner_code', code: partner.code } });
    throw new Error(`partner ${partner.code} was not written: ${result.data.map((d) => d.code).join(', ')}`);
  }
  return { status: 201, body: { partner: partnerView(partner), webhookSecret: secret } };
});
