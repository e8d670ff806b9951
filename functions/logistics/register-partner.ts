import * as z from 'zod/mini';
import { ProblemError } from '../shared/errors.js';
import { createItem, failedCondition, outboxItem, transactWrite } from '../shared/db/write.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { partnerItem, type PartnerRecord } from './logistics-items.js';
import { issuePartnerSecret, partnerCode, partnerView } from './partners.js';
import { LogisticsPartnerRegistered } from '../../events/schemas/logistics.js';

export const registerPartnerBody = z.strictObject({ code: partnerCode, name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)) });

/** POST /v1/admin/logistics-partners: the partner and its first `whsec_` secret (in this answer only). */
export const handler = httpHandler({ access: keyed('admin'), body: registerPartnerBody }, async (request) => {
  const now = new Date();
  const { secret, stored } = await issuePartnerSecret(now);
  const partner: PartnerRecord = { ...request.body, secrets: [stored], createdAt: now.toISOString(), version: 1 };
  const registered = outboxEvent(
    LogisticsPartnerRegistered,
    { partnerCode: partner.code, name: partner.name, registeredAt: partner.createdAt },
    requestContext(request, now),
  );
  const outcome = await transactWrite([createItem(partnerItem(partner)), outboxItem(registered)]);
  if (outcome.canceled) {
    if (failedCondition(outcome, 0)) throw new ProblemError('already_exists', { params: { reason: 'partner_code', code: partner.code } });
    throw new Error(`partner ${partner.code} was not written: ${outcome.codes.join(', ')}`);
  }
  return { status: 201, body: { partner: partnerView(partner), webhookSecret: secret } };
});
