/**
 * The payouts context writes and reads with the document client (decision 0046): every item
 * it creates or puts, every update and condition, and every key and Query it reads with, is
 * what the ElectroDB entity defining the item would write or read, so items written before
 * and after the move read the same.
 */
import {
  agencyEntity,
  commissionEntity,
  commissionEntryEntity,
  creatorEntity,
  creatorVersionEntity,
  ledgerPostingEntity,
  payoutHeadEntity,
  payoutLineEntity,
  payoutRunEntity,
  payoutStateEntity,
  wagesYtdEntity,
} from '../../../functions/payouts/entities.js';
import {
  merchantPeriodEntity,
  merchantRunEntity,
  merchantSettlementEntity,
  merchantSettlementStateEntity,
  merchantStatementEntity,
  settlementEntryEntity,
} from '../../../functions/payouts/settlement-entities.js';
import { openPeriodCheck } from '../../../functions/payouts/commissions.js';
import { db } from '../../support/payouts-db.js';
import {
  agencyItem,
  agencyKey,
  commissionEntryStored,
  commissionItem,
  commissionKey,
  creatorEntriesPrefix,
  creatorItem,
  creatorKey,
  creatorVersionItem,
  creatorVersionsPrefix,
  ledgerPostingItem,
  payableKey,
  payoutHeadItem,
  payoutHeadKey,
  payoutLineItem,
  payoutLineKey,
  payoutRunItem,
  payoutRunKey,
  payoutRunsPartition,
  payoutStateItem,
  payoutStateKey,
  wagesYtdItem,
  wagesYtdKey,
} from '../../../functions/payouts/payout-items.js';
import { queryInput } from '../../../functions/shared/db/read.js';
import { completionItems, progressItem, takeLeaseItem } from '../../../functions/payouts/payout-runs.js';
import { leaseFence } from '../../../functions/payouts/run-lease.js';
import {
  merchantPayableKey,
  merchantPeriodsPrefix,
  merchantRunKey,
  merchantSettlementItem,
  merchantSettlementKey,
  merchantSettlementStateItem,
  merchantSettlementStateKey,
  merchantStatementItem,
  merchantStatementKey,
  merchantStatementsPrefix,
  runStatementsPartition,
  settlementEntryItem,
  statementEntriesPartition,
} from '../../../functions/payouts/settlement-items.js';
import { runProgress } from '../../../functions/payouts/settlement-run.js';
import { periodTotalsItem } from '../../../functions/payouts/settlement-store.js';
import type { PayoutLine } from '../../../functions/payouts/payout-line.js';
import { putOnVersion, type TransactItem } from '../../../functions/shared/db/write.js';
import { itemWritten, resolvedCondition, table, updateEffect } from '../../support/plain-writes.js';
import { jest } from '@jest/globals';

const conditionOf = (params: unknown): string => resolvedCondition(params);

const keyOf = (item: TransactItem) => item.Update?.Key ?? item.ConditionCheck?.Key;

const createdAt = '2026-11-20T08:15:30.000Z';

describe('payouts write what their entities define', () => {
  beforeAll(() => {
    process.env.TABLE_NAME = 'T';
  });

  it('creates agencies, creators and their versions as the entities do', () => {
    const agency = { agencyId: 'agy_1', name: 'MCN', country: 'CN', feeBps: 2_000, createdAt };
    expect(agencyItem(agency)).toEqual(itemWritten(agencyEntity.create(agency).params(table)));
    expect(agencyKey('agy_1')).toEqual(agencyEntity.get({ agencyId: 'agy_1' }).params(table).Key);
    const creator = { creatorId: 'cre_1', terms: { displayName: 'A', followers: 5 }, version: 2, createdAt, updatedAt: createdAt };
    expect(creatorItem(creator)).toEqual(itemWritten(creatorEntity.create(creator).params(table)));
    expect(creatorKey('cre_1')).toEqual(creatorEntity.get({ creatorId: 'cre_1' }).params(table).Key);
    const onVersion = putOnVersion(creatorItem(creator), 1);
    const electro = creatorEntity.put(creator).where(({ version }, { eq }) => eq(version, 1)).params(table);
    expect(onVersion.Put?.Item).toEqual(itemWritten(electro));
    expect(conditionOf(onVersion)).toBe(conditionOf(electro));
    expect(conditionOf(onVersion)).toBe('version = 1');
    const version = { creatorId: 'cre_1', version: 2, validFrom: createdAt, terms: creator.terms };
    expect(creatorVersionItem(version)).toEqual(itemWritten(creatorVersionEntity.create(version).params(table)));
  });

  it('writes commissions, their payable entries and ledger postings as the entities do', () => {
    const accrued = {
      orderId: 'ord_1',
      creatorId: 'cre_1',
      status: 'accrued' as const,
      creatorVersion: 1,
      rateBps: 1_000,
      amountFen: 420,
      reversedFen: 0,
      refundedTotal: 0,
      paidTotal: 4_200,
      payableAt: createdAt,
      period: '2026-11',
      version: 3,
    };
    expect(commissionItem(accrued)).toEqual(itemWritten(commissionEntity.create(accrued).params(table)));
    const pending = { orderId: 'ord_2', status: 'pending_delivery' as const, amountFen: 0, reversedFen: 0, refundedTotal: 100, paidTotal: 4_200, version: 1 };
    expect(commissionItem(pending)).toEqual(itemWritten(commissionEntity.create(pending).params(table)));
    const electro = commissionEntity.put(accrued).where(({ version }, { eq }) => eq(version, 2)).params(table);
    expect(conditionOf(putOnVersion(commissionItem(accrued), 2))).toBe(conditionOf(electro));
    expect(commissionKey('ord_1')).toEqual(commissionEntity.get({ orderId: 'ord_1' }).params(table).Key);

    const entry = { entryId: 'cen_1', orderId: 'ord_1', creatorId: 'cre_1', kind: 'reversal' as const, amountFen: -42, period: '2026-12', bucket: 3, createdAt };
    expect(commissionEntryStored(entry)).toEqual(itemWritten(commissionEntryEntity.create(entry).params(table)));
    expect(commissionEntryStored(entry).__edb_v__).toBe('2');

    const posting = { postingId: 'led_1', kind: 'commission_accrual', reference: 'ord_1', lines: [{ account: 'a', amountFen: 1 }], month: '2026-11', bucket: 2, createdAt };
    expect(ledgerPostingItem(posting)).toEqual(itemWritten(ledgerPostingEntity.create(posting).params(table)));
  });

  it('fences entries on the run head as the check did', () => {
    const check = openPeriodCheck('2027-01');
    const [electro] = db()
      .transaction.write((tx) => [tx.payoutHead.check({}).where((attr, op) => `${op.notExists(attr.lastPeriod)} OR ${op.lt(attr.lastPeriod, '2027-01')}`).commit()])
      .params().TransactItems;
    const electroKey = electro && 'ConditionCheck' in electro ? electro.ConditionCheck.Key : undefined;
    expect(keyOf(check)).toEqual(electroKey);
    expect(payoutHeadKey).toEqual(electroKey);
    expect(conditionOf(check)).toBe(conditionOf(electro));
  });

  it('starts runs and moves the run head as the entities do', () => {
    const run = {
      period: '2026-11',
      status: 'running' as const,
      fromPeriod: '2026-10',
      leaseExpiresAtMs: 123,
      grossFen: 0,
      agencyFeeFen: 0,
      taxWithheldFen: 0,
      netFen: 0,
      lineCount: 0,
      createdAt,
      updatedAt: createdAt,
    };
    expect(payoutRunItem(run)).toEqual(itemWritten(payoutRunEntity.create(run).params(table)));
    expect(payoutRunKey('2026-11')).toEqual(payoutRunEntity.get({ period: '2026-11' }).params(table).Key);
    const head = { lastPeriod: '2026-11', runningPeriod: '2026-11', version: 4 };
    expect(payoutHeadItem(head)).toEqual(itemWritten(payoutHeadEntity.create(head).params(table)));
    const electro = payoutHeadEntity.put(head).where(({ version }, { eq }) => eq(version, 3)).params(table);
    expect(conditionOf(putOnVersion(payoutHeadItem(head), 3))).toBe(conditionOf(electro));
  });

  it("updates the run as the entity's patches did: the same changes, on the same conditions", () => {
    jest.spyOn(Date, 'now').mockReturnValue(1_000);
    const lease = { period: '2026-11', token: 'tok', leaseMs: 30_000 };
    const now = new Date(createdAt);

    const fence = leaseFence(lease, now);
    const electroFence = payoutRunEntity.patch({ period: '2026-11' }).set({ updatedAt: createdAt, leaseExpiresAtMs: 31_000 })
      .where(({ status, leaseToken }, { eq }) => `${eq(status, 'running')} AND ${eq(leaseToken, 'tok')}`)
      .params(table);
    expect(updateEffect(fence)).toEqual(updateEffect(electroFence));
    expect(conditionOf(fence)).toBe(conditionOf(electroFence));
    expect(keyOf(fence)).toEqual(electroFence.Key);

    const line = { grossFen: 1_000, agencyFeeFen: 200, taxWithheldFen: 24, netFen: 776 } as PayoutLine;
    const checkpoint = { bucket: 2, after: 'creator#cre_1' };
    const progress = progressItem({ ...lease, checkpoint, now }, line);
    const electroProgress = payoutRunEntity
      .patch({ period: '2026-11' })
      .add({ grossFen: 1_000, agencyFeeFen: 200, taxWithheldFen: 24, netFen: 776, lineCount: 1 })
      .set({ checkpoint, updatedAt: createdAt, leaseExpiresAtMs: 31_000 })
      .where(({ status, leaseToken }, { eq }) => `${eq(status, 'running')} AND ${eq(leaseToken, 'tok')}`)
      .params(table);
    expect(updateEffect(progress)).toEqual(updateEffect(electroProgress));
    expect(conditionOf(progress)).toBe(conditionOf(electroProgress));
    const carry = progressItem({ ...lease, checkpoint, now }, null);
    expect(updateEffect(carry).add).toEqual({ grossFen: 0, agencyFeeFen: 0, taxWithheldFen: 0, netFen: 0, lineCount: 0 });

    for (const previous of ['old', undefined]) {
      const take = takeLeaseItem('2026-11', 'new', previous, 30_000);
      const electroTake = payoutRunEntity
        .patch({ period: '2026-11' })
        .set({ leaseToken: 'new', leaseExpiresAtMs: 31_000 })
        .where((attr, op) => `${op.eq(attr.status, 'running')} AND ${previous ? op.eq(attr.leaseToken, previous) : op.notExists(attr.leaseToken)}`)
        .params(table);
      expect(updateEffect(take)).toEqual(updateEffect(electroTake));
      expect(conditionOf(take)).toBe(conditionOf(electroTake));
    }

    const [completeRun, releaseHead] = completionItems('2026-11', 'tok', createdAt);
    if (!completeRun || !releaseHead) throw new Error('two items');
    const electroComplete = payoutRunEntity.patch({ period: '2026-11' }).set({ status: 'completed', completedAt: createdAt, updatedAt: createdAt })
      .where(({ status, leaseToken }, { eq }) => `${eq(status, 'running')} AND ${eq(leaseToken, 'tok')}`)
      .params(table);
    expect(updateEffect(completeRun)).toEqual(updateEffect(electroComplete));
    expect(conditionOf(completeRun)).toBe(conditionOf(electroComplete));
    const electroRelease = payoutHeadEntity.patch({}).remove(['runningPeriod']).add({ version: 1 }).where(({ runningPeriod }, { eq }) => eq(runningPeriod, '2026-11')).params(table);
    expect(updateEffect(releaseHead)).toEqual(updateEffect(electroRelease));
    expect(conditionOf(releaseHead)).toBe(conditionOf(electroRelease));
    expect(keyOf(releaseHead)).toEqual(electroRelease.Key);
    jest.restoreAllMocks();
  });

  it('writes lines, creator payout state and year-to-date wages as the entities do', () => {
    const line = { period: '2026-11', creatorId: 'cre_1', line: { creatorId: 'cre_1', grossFen: 1 }, creatorVersion: 2, createdAt };
    expect(payoutLineItem(line)).toEqual(itemWritten(payoutLineEntity.create(line).params(table)));
    expect(payoutLineKey('2026-11', 'cre_1')).toEqual(payoutLineEntity.get({ period: '2026-11', creatorId: 'cre_1' }).params(table).Key);
    const state = { creatorId: 'cre_1', carryForwardFen: -300, lastPeriod: '2026-11', version: 2 };
    expect(payoutStateItem(state)).toEqual(itemWritten(payoutStateEntity.create(state).params(table)));
    expect(conditionOf(putOnVersion(payoutStateItem(state), 1))).toBe(conditionOf(payoutStateEntity.put(state).where(({ version }, { eq }) => eq(version, 1)).params(table)));
    expect(payoutStateKey('cre_1')).toEqual(payoutStateEntity.get({ creatorId: 'cre_1' }).params(table).Key);
    const ytd = { year: 2026, cumulativeIncomeFen: 1, cumulativeSpecialFen: 2, cumulativeAdditionalFen: 3, taxWithheldFen: 4, throughMonth: 11 };
    const wages = { creatorId: 'cre_1', agencyId: 'agy_1', year: 2026, ytd, lastPeriod: '2026-11', version: 1 };
    expect(wagesYtdItem(wages)).toEqual(itemWritten(wagesYtdEntity.create(wages).params(table)));
    expect(wagesYtdKey('cre_1', 'agy_1', 2026)).toEqual(wagesYtdEntity.get({ creatorId: 'cre_1', agencyId: 'agy_1', year: 2026 }).params(table).Key);
  });

  it('writes merchant settlement items and totals as the entities do', () => {
    const settlement = { orderId: 'ord_1', merchantId: 'mer_1', status: 'accrued' as const, state: { orderId: 'ord_1' }, version: 2 };
    expect(merchantSettlementItem(settlement)).toEqual(itemWritten(merchantSettlementEntity.create(settlement).params(table)));
    expect(conditionOf(putOnVersion(merchantSettlementItem(settlement), 1))).toBe(
      conditionOf(merchantSettlementEntity.put(settlement).where(({ version }, { eq }) => eq(version, 1)).params(table)),
    );
    expect(merchantSettlementKey('ord_1')).toEqual(merchantSettlementEntity.get({ orderId: 'ord_1' }).params(table).Key);
    const entry = {
      entryId: 'sen_1',
      orderId: 'ord_1',
      merchantId: 'mer_1',
      kind: 'accrual' as const,
      grossFen: 10_000,
      feeFen: 500,
      commissionFen: 1_000,
      netFen: 8_500,
      deliveredAt: createdAt,
      period: '2026-11',
      bucket: 1,
      createdAt,
    };
    expect(settlementEntryItem(entry)).toEqual(itemWritten(settlementEntryEntity.create(entry).params(table)));
    const figures = { grossFen: 10_000, feeFen: 500, commissionFen: 1_000, refundsFen: 0, netFen: 8_500 };
    const totals = periodTotalsItem('mer_1', '2026-11', 2, figures);
    const electroTotals = merchantPeriodEntity.upsert({ merchantId: 'mer_1', period: '2026-11', shard: 2 }).add({ ...figures, entryCount: 1 }).params(table);
    expect(updateEffect(totals)).toEqual(updateEffect(electroTotals));
    expect(keyOf(totals)).toEqual(electroTotals.Key);
    expect(totals.Update?.ConditionExpression).toBeUndefined();

    const statement = {
      merchantId: 'mer_1',
      period: '2026-11',
      fromPeriod: '2026-10',
      name: 'Shop',
      grossFen: 10_000,
      feeFen: 500,
      commissionFen: 1_000,
      refundsFen: 0,
      periodNetFen: 8_500,
      carriedInFen: -100,
      paidFen: 8_400,
      carryForwardFen: 0,
      settledAt: createdAt,
    };
    expect(merchantStatementItem(statement)).toEqual(itemWritten(merchantStatementEntity.create(statement).params(table)));
    expect(merchantStatementKey('mer_1', '2026-11')).toEqual(merchantStatementEntity.get({ merchantId: 'mer_1', period: '2026-11' }).params(table).Key);
    const state = { merchantId: 'mer_1', carryForwardFen: 0, paidFen: 8_400, lastPeriod: '2026-11', version: 1 };
    expect(merchantSettlementStateItem(state)).toEqual(itemWritten(merchantSettlementStateEntity.create(state).params(table)));
    expect(merchantSettlementStateKey('mer_1')).toEqual(merchantSettlementStateEntity.get({ merchantId: 'mer_1' }).params(table).Key);

    const checkpoint = { bucket: 1, afterMerchantId: 'mer_1' };
    const progress = runProgress('2026-11', statement, checkpoint);
    const electroProgress = merchantRunEntity
      .upsert({ period: '2026-11' })
      .add({ grossFen: 10_000, feeFen: 500, commissionFen: 1_000, refundsFen: 0, carriedForwardFen: 0, netFen: 8_400, merchantCount: 1 })
      .set({ checkpoint })
      .params(table);
    expect(updateEffect(progress)).toEqual(updateEffect(electroProgress));
    expect(keyOf(progress)).toEqual(electroProgress.Key);
    expect(merchantRunKey('2026-11')).toEqual(electroProgress.Key);
    const done = runProgress('2026-11', null, { bucket: 4, afterMerchantId: '' }, createdAt);
    const electroDone = merchantRunEntity
      .upsert({ period: '2026-11' })
      .add({ grossFen: 0, feeFen: 0, commissionFen: 0, refundsFen: 0, carriedForwardFen: 0, netFen: 0, merchantCount: 0 })
      .set({ checkpoint: { bucket: 4, afterMerchantId: '' }, completedAt: createdAt })
      .params(table);
    expect(updateEffect(done)).toEqual(updateEffect(electroDone));
  });

  it('queries what the entities queried', () => {
    const same = (plain: unknown, electro: unknown) => expect(plain).toEqual(electro);
    const versions = creatorVersionsPrefix('cre_1');
    same(queryInput({ partition: versions.pk, prefix: versions.sk }), creatorVersionEntity.query.byVersion({ creatorId: 'cre_1' }).params(table));
    same(
      queryInput({ partition: payableKey('2026-11', 2), prefix: creatorEntriesPrefix('cre_1') }, { consistent: true, limit: 5 }),
      commissionEntryEntity.query.byPeriod({ period: '2026-11', bucket: 2, creatorId: 'cre_1' }).params({ ...table, consistent: true, limit: 5 }),
    );
    same(queryInput({ index: 'gsi1', partition: payoutRunsPartition }, { limit: 5, descending: true }), payoutRunEntity.query.all({}).params({ ...table, limit: 5, order: 'desc' }));
    const lines = payoutLineKey('2026-11', '');
    same(queryInput({ partition: lines.pk, prefix: lines.sk }, { limit: 5 }), payoutLineEntity.query.byRun({ period: '2026-11' }).params({ ...table, limit: 5 }));
    same(
      queryInput({ partition: merchantPayableKey('2026-11', 1) }, { consistent: true, limit: 200 }),
      settlementEntryEntity.query.byPeriod({ period: '2026-11', bucket: 1 }).params({ ...table, consistent: true, limit: 200 }),
    );
    const ranged = queryInput({ partition: merchantPayableKey('2026-11', 1), after: 'mer_1\uffff' }, { consistent: true, limit: 200 });
    const electroRanged = settlementEntryEntity.query.byPeriod({ period: '2026-11', bucket: 1 }).gt({ merchantId: 'mer_1\uffff' }).params({ ...table, consistent: true, limit: 200 });
    expect(ranged.ExpressionAttributeValues).toEqual(electroRanged.ExpressionAttributeValues);
    expect(ranged.KeyConditionExpression?.toLowerCase()).toBe(String(electroRanged.KeyConditionExpression).toLowerCase());
    same(queryInput({ index: 'gsi1', partition: statementEntriesPartition('mer_1', '2026-11') }), settlementEntryEntity.query.byStatement({ merchantId: 'mer_1', period: '2026-11' }).params(table));
    const periods = merchantPeriodsPrefix('mer_1');
    same(queryInput({ partition: periods.pk, prefix: periods.sk }), merchantPeriodEntity.query.byMerchant({ merchantId: 'mer_1' }).params(table));
    const statements = merchantStatementsPrefix('mer_1');
    same(
      queryInput({ partition: statements.pk, prefix: statements.sk }, { descending: true, limit: 5 }),
      merchantStatementEntity.query.byMerchant({ merchantId: 'mer_1' }).params({ ...table, order: 'desc', limit: 5 }),
    );
    same(queryInput({ index: 'gsi1', partition: runStatementsPartition('2026-11') }), merchantStatementEntity.query.byRun({ period: '2026-11' }).params(table));
  });
});
