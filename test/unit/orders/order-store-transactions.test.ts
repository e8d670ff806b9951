/**
 * The order store's transactions: which items they hold, in which order, and what each
 * cancellation reason means (the reason at index i is the item at index i). A reordered item
 * would turn a reused Idempotency-Key into "order exists", or a redelivered Stripe event into a
 * conflict that is retried forever.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { markStripeEvent, placeOrder, saveOrderChange } from '../../../functions/orders/order-store.js';
import { documentClient } from '../../../functions/shared/clients/dynamodb.js';
import { createdAt, newOrder, paidOrder } from '../../support/order-fixtures.js';

const order = newOrder;
const record = { scope: 'mer_1', keyHash: 'h', requestHash: 'r', status: 'completed' as const, responseStatus: 201, responseBody: '{}', createdAt, ttl: 1 };
const event = { eventId: 'evt_1', source: 'xborder.orders', detailType: 'OrderPlaced', detail: '{}', occurredAt: createdAt, correlationId: 'c', ttl: 5 };
const stored = paidOrder;
const refund = (id: string) => ({ id, amount: { amount: 100, currency: 'USD' as const }, reason: 'damaged', source: 'stripe' as const, stripeRefundId: `re_${id}`, createdAt });

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

describe('order store transactions', () => {
  const ddb = mockClient(documentClient);

  beforeAll(() => {
    process.env.TABLE_NAME = 'T';
  });

  afterEach(() => ddb.reset());

  const written = () => ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
  const keyOf = (item: ReturnType<typeof written>[number]) => item.Put?.Item?.pk ?? item.Update?.Key?.pk;

  it('places an order as [idempotency record, order, OrderPlaced], and reads reasons in that order', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await placeOrder(order, record, event)).toBe('placed');
    expect(written().map(keyOf)).toEqual(['IDEMPOTENCY#mer_1#h', 'ORDER#ord_1', 'OUTBOX#evt_1']);
    expect(written().every((i) => i.Put?.ConditionExpression?.startsWith('attribute_not_exists(#pk) AND attribute_not_exists(#sk)'))).toBe(true);

    ddb.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed', 'None', 'None'));
    expect(await placeOrder(order, record, event)).toBe('key_in_use');
    ddb.on(TransactWriteCommand).rejects(canceled('None', 'ConditionalCheckFailed', 'None'));
    expect(await placeOrder(order, record, event)).toBe('order_exists');
    ddb.on(TransactWriteCommand).rejects(canceled('None', 'None', 'TransactionConflict'));
    await expect(placeOrder(order, record, event)).rejects.toThrow(/was not written: None, None, TransactionConflict/);
  });

  it('changes an order as [order on its version, new refunds, Stripe marker, events], and reads reasons in that order', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const change = { status: 'refunded' as const, refundedAmount: 200, newRefunds: [refund('ref_1'), refund('ref_2')] };
    expect(await saveOrderChange(stored, change, [event], { eventId: 'evt_s', type: 'charge.refunded' })).toBe('saved');
    expect(written().map(keyOf)).toEqual(['ORDER#ord_1', 'ORDER#ord_1', 'ORDER#ord_1', 'STRIPEEVENT#evt_s', 'OUTBOX#evt_1']);
    expect(written().map((i) => i.Put?.Item?.sk ?? i.Update?.Key?.sk)).toEqual(['ORDER', 'REFUND#ref_1', 'REFUND#ref_2', 'STRIPEEVENT', 'OUTBOX']);
    expect(written()[0]?.Update?.ExpressionAttributeValues?.[':version']).toBe(3);

    const outcomeOf = async (...codes: string[]) => {
      ddb.on(TransactWriteCommand).rejects(canceled(...codes));
      return saveOrderChange(stored, change, [event], { eventId: 'evt_s', type: 'charge.refunded' });
    };
    expect(await outcomeOf('None', 'None', 'None', 'ConditionalCheckFailed', 'None')).toBe('duplicate_event');
    expect(await outcomeOf('ConditionalCheckFailed', 'None', 'None', 'None', 'None')).toBe('conflict');
    expect(await outcomeOf('None', 'None', 'ConditionalCheckFailed', 'None', 'None')).toBe('conflict');
    await expect(outcomeOf('None', 'None', 'None', 'None', 'ConditionalCheckFailed')).rejects.toThrow(/was not updated/);
  });

  it('without a Stripe event, a failed refund create is a conflict, never a duplicate', async () => {
    ddb.on(TransactWriteCommand).rejects(canceled('None', 'ConditionalCheckFailed', 'None'));
    expect(await saveOrderChange(stored, { newRefunds: [refund('ref_1')] }, [event])).toBe('conflict');
  });

  it('marks a Stripe event once: a taken marker is a duplicate', async () => {
    ddb.on(PutCommand).resolves({});
    expect(await markStripeEvent('evt_1', 'payment_intent.created')).toBe('marked');
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({ Item: { pk: 'STRIPEEVENT#evt_1', sk: 'STRIPEEVENT' }, ConditionExpression: 'attribute_not_exists(#pk) AND attribute_not_exists(#sk)' });
    ddb.on(PutCommand).rejects(Object.assign(new Error('taken'), { name: 'ConditionalCheckFailedException' }));
    expect(await markStripeEvent('evt_1', 'payment_intent.created')).toBe('duplicate_event');
  });
});
