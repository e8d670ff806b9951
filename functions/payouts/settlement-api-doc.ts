/**
 * OpenAPI entries of the merchant settlement routes (spread into api-doc/operations.ts).
 * Answers are described here, next to the views that produce them (settlement-views.ts).
 */
import { csvText } from '../shared/api-doc/responses.js';
import * as z from 'zod/mini';
import { listQuery } from '../shared/pagination.js';
import { moneySchema } from '../shared/money.js';
import { merchantPath, patchMerchantBody } from '../platform/patch-merchant.js';
import { settlementPeriodPath } from './get-settlement-statement.js';
import { linesQuery, reportQuery } from './report-pages.js';
import { runPath } from './run-access.js';
import { nextLinesCursor, pagedLines, payoutReport, payoutRun, signedCny as signed } from '../shared/api-doc/responses.js';
import { takeRateChange } from '../shared/api-doc/examples.js';

const cny = moneySchema('CNY');
const period = z.string().check(z.meta({ example: '2026-11' }));
const covers = z.object({ from: period, to: period });
// Refunds, carried amounts, a period's or an order's net and a balance can be below zero: `signed`.
const figures = { gross: cny, platformFee: cny, creatorCommission: cny, refunds: signed, net: signed };
/** A settled period's figures (settlements list, finance lines). */
const settledFigures = {
  gross: cny,
  platformFee: cny,
  creatorCommissions: cny,
  refunds: signed,
  carriedIn: signed,
  carriedForward: signed,
  net: cny.check(z.meta({ description: 'What the run paid (0 when the total carried forward).' })),
};

export const balance = z.object({ pending: signed, available: signed, paid: cny }).check(z.meta({ id: 'MerchantBalance' }));

export const settlement = z
  .object({
    period,
    coversPeriods: covers,
    status: z.literal('settled'),
    ...settledFigures,
    settledAt: z.iso.datetime(),
    statement: z.string(),
  })
  .check(z.meta({ id: 'MerchantSettlement' }));

export const settlementPage = z.object({ data: z.array(settlement), nextCursor: z.nullable(z.string()) }).check(z.meta({ id: 'MerchantSettlementPage' }));

export const statement = z
  .object({
    merchantId: z.string(),
    period,
    status: z.enum(['open', 'settled']),
    coversPeriods: z.optional(covers),
    settledAt: z.optional(z.iso.datetime()),
    lines: z.array(z.object({ orderId: z.string(), deliveredAt: z.iso.datetime(), ...figures })),
    totals: z.object({ ...figures, carriedIn: signed, paid: cny, carriedForward: signed }).check(z.meta({ description: "The whole statement's totals, on every page." })),
    nextCursor: nextLinesCursor,
  })
  .check(z.meta({ id: 'MerchantStatement' }));

const merchantLine = z.object({ merchantId: z.string(), name: z.string(), ...settledFigures });
const merchantTotals = z.object({ gross: cny, platformFee: cny, creatorCommissions: cny, refunds: signed, net: cny });

export const merchantStatements = z
  .object({
    runId: z.string(),
    period,
    lines: z.array(merchantLine),
    totals: z.extend(merchantTotals, { carriedForward: signed }).check(z.meta({ description: "The whole run's totals, on every page." })),
    nextCursor: nextLinesCursor,
  })
  .check(z.meta({ id: 'RunMerchantStatements' }));

export const periodPreview = z
  .object({
    period,
    run: z.nullable(z.object({ id: z.string(), status: z.enum(['running', 'completed']) })),
    merchants: z.object({ lines: z.array(merchantLine), totals: merchantTotals }),
    creators: z
      .object({ lines: payoutReport.shape.lines, totals: payoutRun.shape.totals })
      .check(z.meta({ description: 'The creator lines a run would pay now (as in the run report) and their totals.' })),
    nextCursor: nextLinesCursor,
  })
  .check(z.meta({ id: 'PayoutPeriodPreview' }));

const merchantAnswer = z.object({ merchant: z.looseObject({ id: z.string(), takeRateBps: z.number().check(z.int()) }) }).check(z.meta({ id: 'MerchantUpdated' }));

export const settlementOperations = {
  'PATCH /v1/admin/merchants/{id}': {
    operationId: 'patchMerchant',
    tag: 'Operator' as const,
    summary: "Change a merchant's take rate",
    description: 'For orders placed from now on; placed orders keep the rate they snapshot.',
    request: { path: merchantPath, body: patchMerchantBody, example: takeRateChange },
    responses: { 200: { description: 'The merchant.', schema: merchantAnswer } },
    problems: ['not_found' as const, 'idempotency_in_progress' as const],
  },
  'GET /v1/balance': {
    operationId: 'getBalance',
    tag: 'Settlement' as const,
    summary: "The merchant's balance (CNY)",
    description: '`paid` by runs; of the rest, `available` = periods already over plus any carried-forward total (what a run would pay now), `pending` = periods not over.',
    responses: { 200: { description: 'The balance.', schema: balance } },
  },
  'GET /v1/settlements': {
    operationId: 'listSettlements',
    tag: 'Settlement' as const,
    summary: 'Settled periods, newest first',
    request: { query: listQuery },
    responses: { 200: { description: 'One page.', schema: settlementPage } },
  },
  'GET /v1/settlements/{period}/statement': {
    operationId: 'getSettlementStatement',
    tag: 'Settlement' as const,
    summary: "A period's statement",
    description:
      `Per-order lines and totals; CSV: UTF-8 BOM, RFC 4180, amounts in yuan. A period no run settled yet is \`open\`. ${pagedLines('statement', true)} Every page carries the whole statement's totals.`,
    request: { path: settlementPeriodPath, query: reportQuery },
    responses: { 200: { description: 'The statement.', schema: statement, contentTypes: ['application/json', 'text/csv'] } },
  },
  'GET /v1/payout-runs/{id}/merchant-statements': {
    operationId: 'getRunMerchantStatements',
    tag: 'Finance' as const,
    summary: "A run's merchant statements",
    description:
      `JSON (lines sorted by merchant, and the whole run's totals) or CSV (UTF-8 BOM, RFC 4180, amounts in yuan). ${pagedLines('run', true)}`,
    request: { path: runPath, query: reportQuery },
    responses: { 200: { description: 'One line per merchant.', schema: merchantStatements, contentTypes: ['application/json', 'text/csv'], schemaByType: { 'text/csv': csvText } } },
    problems: ['not_found' as const, 'invalid_state' as const],
  },
  'GET /v1/payout-periods/{period}/preview': {
    operationId: 'previewPayoutPeriod',
    tag: 'Finance' as const,
    summary: 'What a run for the period would pay now',
    description:
      `Reads what the run would read; changes nothing. Creator lines first, then merchant lines. ${pagedLines('preview', false)} Every page carries the whole period's totals.`,
    request: { path: settlementPeriodPath, query: linesQuery },
    responses: { 200: { description: 'The preview.', schema: periodPreview } },
  },
};
