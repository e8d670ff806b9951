import * as z from 'zod';
import { defineEvent } from '../define.js';
import { eventDetail } from '../envelope.js';
import { eventSources } from '../sources.js';

export const apiKeyRole = z.enum(['admin', 'merchant', 'finance']);

/** An API key was issued. Never carries the key itself or its hash. */
export const ApiKeyCreatedV1 = eventDetail(
  1,
  z.object({
    keyId: z.string().startsWith('key_'),
    role: apiKeyRole,
    tenantId: z.string().nullable(),
    createdBy: z.string().min(1).describe('keyId of the operator key that issued it, or "admin" for the root operator key'),
    createdAt: z.iso.datetime(),
  }),
);

// Contracts: detail-type, source and version of each schema above.

export const ApiKeyCreated = defineEvent('ApiKeyCreated', {
  source: eventSources.platform,
  version: 1,
  schema: ApiKeyCreatedV1,
  description: 'An operator issued an API key (audit trail).',
});
