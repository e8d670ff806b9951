/**
 * OpenAPI entries of the merchant webhook routes (spread into api-doc/operations.ts).
 * Answers are described here, next to the views that produce them (endpoints.ts, deliveries.ts).
 */
import * as z from 'zod/mini';
import { webhookTypes } from '../../events/webhooks/payloads.js';
import { listQuery } from '../shared/pagination.js';
import { createEndpointBody, updateEndpointBody } from './endpoint-requests.js';
import { endpointPath, maxEndpointsPerMerchant } from './endpoints.js';
import { deliveryPath } from './retry-delivery.js';
import { webhookEndpointChange, webhookEndpointRequest } from '../shared/api-doc/examples.js';

const instant = z.iso.datetime();

export const webhookEndpoint = z
  .object({
    id: z.string().check(z.meta({ example: 'we_01JDZ3J8X6Q2K7M4T9V5R1C8NB' })),
    url: z.string().check(z.meta({ example: 'https://shop.example.com/hooks/xborder' })),
    events: z.array(z.enum(webhookTypes)).check(z.meta({ example: ['order.paid', 'order.delivered'] })),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: z
      .optional(z.string())
      .check(z.meta({ description: '`merchant` when disabled through PATCH; set by the platform when it disabled the endpoint after 3 days of failures.' })),
    createdAt: instant,
    updatedAt: instant,
  })
  .check(z.meta({ id: 'WebhookEndpoint' }));

const secret = z.string().check(z.meta({ description: 'The signing secret (Standard Webhooks `whsec_`), in this answer only.', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }));

export const webhookEndpointAnswer = z.object({ endpoint: webhookEndpoint }).check(z.meta({ id: 'WebhookEndpointAnswer' }));
export const webhookEndpointWithSecret = z.object({ endpoint: webhookEndpoint, secret }).check(z.meta({ id: 'WebhookEndpointWithSecret' }));

export const webhookDelivery = z
  .object({
    id: z.string().check(z.meta({ description: 'The `webhook-id` header of every attempt.', example: 'msg_5f0c8a1e2b3d4c6f8a9b0c1d2e3f4a5b' })),
    endpointId: z.string(),
    eventId: z.string(),
    type: z.enum(webhookTypes),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().check(z.int(), z.nonnegative()),
    lastResponseCode: z.nullable(z.number().check(z.int())).check(z.meta({ description: 'HTTP status of the last attempt; `null` before the first or when no answer came (timeout, refused).' })),
    lastAttemptAt: z.nullable(instant),
    nextAttemptAt: z.nullable(instant).check(z.meta({ description: 'When the next attempt is due; `null` unless `pending`.' })),
    createdAt: instant,
  })
  .check(z.meta({ id: 'WebhookDelivery' }));

const page = <T extends z.ZodMiniType>(item: T, id: string) =>
  z.object({ data: z.array(item), nextCursor: z.nullable(z.string()) }).check(z.meta({ id }));

export const webhookEndpointPage = page(webhookEndpoint, 'WebhookEndpointPage');
export const webhookDeliveryPage = page(webhookDelivery, 'WebhookDeliveryPage');
export const webhookDeliveryAnswer = z.object({ delivery: webhookDelivery }).check(z.meta({ id: 'WebhookDeliveryAnswer' }));

const tag = 'Notifications' as const;
/** A concurrent change of the same endpoint or delivery won the race: retry. */
const raced = 'idempotency_in_progress' as const;

export const webhookOperations = {
  'POST /v1/webhook-endpoints': {
    operationId: 'createWebhookEndpoint',
    tag,
    summary: 'Register a webhook endpoint',
    description: `The secret is in this answer only. On AWS stages \`https://\` only, and a URL resolving to a loopback, private, link-local or metadata address is \`400 validation_failed\` on \`url\`. At most ${maxEndpointsPerMerchant} endpoints per merchant, also under concurrent requests: beyond that \`400 validation_failed\`.`,
    request: { body: createEndpointBody, example: webhookEndpointRequest },
    responses: { 201: { description: 'The endpoint and its secret.', schema: webhookEndpointWithSecret } },
    problems: [raced],
  },
  'GET /v1/webhook-endpoints': {
    operationId: 'listWebhookEndpoints',
    tag,
    summary: "List the merchant's webhook endpoints",
    description: 'Oldest first.',
    request: { query: listQuery },
    responses: { 200: { description: 'One page of endpoints.', schema: webhookEndpointPage } },
  },
  'GET /v1/webhook-endpoints/{id}': {
    operationId: 'getWebhookEndpoint',
    tag,
    summary: 'Read a webhook endpoint',
    description: "Another merchant's endpoint is `404`.",
    request: { path: endpointPath },
    responses: { 200: { description: 'The endpoint.', schema: webhookEndpointAnswer } },
    problems: ['not_found' as const],
  },
  'PATCH /v1/webhook-endpoints/{id}': {
    operationId: 'updateWebhookEndpoint',
    tag,
    summary: "Change a webhook endpoint's url, events or status",
    description: 'Enabling an endpoint (also one the platform disabled after 3 days of failures) starts its failure clock afresh. A new `url` is checked as at registration.',
    request: { path: endpointPath, body: updateEndpointBody, example: webhookEndpointChange },
    responses: { 200: { description: 'The endpoint.', schema: webhookEndpointAnswer } },
    problems: ['not_found' as const, raced],
  },
  'DELETE /v1/webhook-endpoints/{id}': {
    operationId: 'deleteWebhookEndpoint',
    tag,
    summary: 'Delete a webhook endpoint',
    description: 'Nothing more is sent to it; its pending deliveries end as failed. Of concurrent deletes of one endpoint, one answers `204` and the others `404`.',
    request: { path: endpointPath },
    responses: { 204: { description: 'Deleted.' } },
    problems: ['not_found' as const, raced],
  },
  'POST /v1/webhook-endpoints/{id}/secret': {
    operationId: 'rollWebhookEndpointSecret',
    tag,
    summary: "Roll a webhook endpoint's secret",
    description: 'A new secret (in this answer only). For 24 hours every delivery is signed with the old and the new secret; then only the new one signs.',
    request: { path: endpointPath },
    responses: { 201: { description: 'The endpoint and its new secret.', schema: webhookEndpointWithSecret } },
    problems: ['not_found' as const, raced],
  },
  'GET /v1/webhook-endpoints/{id}/deliveries': {
    operationId: 'listWebhookDeliveries',
    tag,
    summary: "A webhook endpoint's delivery log",
    description: 'Newest first: status, attempts, last response code, next attempt.',
    request: { path: endpointPath, query: listQuery },
    responses: { 200: { description: 'One page of deliveries.', schema: webhookDeliveryPage } },
    problems: ['not_found' as const],
  },
  'POST /v1/webhook-deliveries/{id}/retry': {
    operationId: 'retryWebhookDelivery',
    tag,
    summary: 'Send a webhook delivery again',
    description: 'Whatever its state, with a fresh retry window and the same `webhook-id` (receivers that saw it already dedupe it).',
    request: { path: deliveryPath },
    responses: { 202: { description: 'The delivery, pending again.', schema: webhookDeliveryAnswer } },
    problems: ['not_found' as const, raced],
  },
};
