import { apiKeyEntity, auditEventEntity, outboxEntity } from '../shared/db/entities.js';
import { serviceOf, type TransactionEntitiesOf } from '../shared/db/service.js';
import { merchantEntity, usccClaimEntity } from '../orders/entities.js';
import { partnerEntity } from '../logistics/entities.js';
import { agencyEntity, commissionEntryEntity, creatorEntity, creatorVersionEntity } from '../payouts/entities.js';

/**
 * The platform (operator) context's model: keys and the audit trail. Enrolment creates the
 * merchant the orders context serves, and the operator reads list what other contexts own
 * (partners, agencies, creators and their commission entries), read only.
 */
const entities = {
  outbox: outboxEntity,
  apiKey: apiKeyEntity,
  auditEvent: auditEventEntity,
  merchant: merchantEntity,
  usccClaim: usccClaimEntity,
  partner: partnerEntity,
  agency: agencyEntity,
  creator: creatorEntity,
  creatorVersion: creatorVersionEntity,
  commissionEntry: commissionEntryEntity,
};

/** This context's ElectroDB service on the configured table. */
export const db = serviceOf(entities);

/** The entities a write transaction's callback receives (for helpers that build transaction items). */
export type TransactionEntities = TransactionEntitiesOf<typeof db>;
