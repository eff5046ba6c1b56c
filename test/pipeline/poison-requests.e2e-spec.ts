import {
  EventHeaders,
  TRANSFER_REQUESTED,
  transferRequestedV1Schema,
  type TransferRequestedV1,
} from '#contracts';
import { DeadLetterHeaders } from '#kafka-eos';
import { waitFor } from '#test-infra';
import { runDlqJson } from '../dlq/dlq-cli.js';
import { produceRecords } from '../support/produce-records.js';
import { readCommitted } from '../support/read-topic.js';
import { PipelineFixture } from './pipeline-fixture.js';

interface Summary {
  topic: string;
  total: number;
  groups: Array<{ reason: string; count: number; answered: { yes: number; no: number } }>;
}

/**
 * Records nobody should have written, straight into the request topic, in front of a good one:
 * not JSON (but carrying a transfer's event-id header), valid JSON with a transfer id and invalid
 * fields, and neither JSON nor any id. The two that name a transfer end `rejected` in payments
 * with INVALID_REQUEST; all three are in the dead-letter topic, where `npm run dlq -- list` shows
 * them; and the partition moves on to the good record behind them.
 */
describe('poison records in the request topic', () => {
  let fx: PipelineFixture;

  beforeAll(async () => {
    fx = await PipelineFixture.create('poison-requests');
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('rejects the ones that name a transfer, dead-letters all, and keeps the partition moving', async () => {
    await fx.startLedger();
    const [payer = '', payee = ''] = await fx.openAccountsAside([1_000n, undefined]);
    // Accepted, but never published by the relay (it is off): the test writes what the topic
    // carries for them.
    await fx.startPayments({ RELAY_MODE: 'off' });
    const [named, invalid, good] = [
      await fx.postTransfer(payer, payee, 10n),
      await fx.postTransfer(payer, payee, 20n),
      await fx.postTransfer(payer, payee, 30n),
    ];
    if (!named || !invalid || !good) throw new Error('transfers not accepted');
    // What the relay would have published for each (the event's own schema).
    const event = (t: typeof good): TransferRequestedV1 =>
      transferRequestedV1Schema.parse({
        type: TRANSFER_REQUESTED,
        version: 1,
        eventId: t.id,
        transferId: t.id,
        debitAccountId: t.debitAccountId,
        creditAccountId: t.creditAccountId,
        amount: t.amount,
        currency: t.currency,
        requestedAt: t.createdAt,
      });
    await produceRecords((process.env.KAFKA_BROKERS ?? '').split(','), fx.topics.requested, payer, [
      { value: '{"type":"TransferRequested",', headers: { [EventHeaders.eventId]: named.id } },
      { value: JSON.stringify({ ...event(invalid), amount: '20.00' }) },
      { value: 'neither JSON nor an id' },
      { value: JSON.stringify(event(good)), headers: { [EventHeaders.eventId]: good.id } },
    ]);

    const final = await fx.waitForFinal([named.id, invalid.id, good.id], 60_000);
    expect(final.map((t) => [t.status, t.reason])).toEqual([
      ['rejected', 'INVALID_REQUEST'],
      ['rejected', 'INVALID_REQUEST'],
      ['completed', undefined],
    ]);
    expect(await fx.balance(payee)).toBe(30n);

    const env = {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      TOPIC_DEAD_LETTER: fx.topics.deadLetter,
      TOPIC_TRANSFER_RESULTS: fx.topics.results,
    };
    const listed = await waitFor(
      async () => {
        const { topics } = await runDlqJson<{ topics: Summary[] }>(
          ['list', '--topic', 'ledger'],
          env,
        );
        return topics[0]?.total === 3 && topics[0];
      },
      { description: 'dlq list to show the three', timeoutMs: 30_000 },
    );
    const answered = listed.groups.reduce((n, g) => n + g.answered.yes, 0);
    expect(answered).toBe(2);
    expect(listed.groups.map((g) => g.reason).join('\n')).toMatch(/not JSON/);
    expect(listed.groups.map((g) => g.reason).join('\n')).toMatch(/amount/);
    // Last: the read appends a sentinel record of its own to the topic.
    const dead = await readCommitted(fx.kafka, fx.topics.deadLetter);
    expect(dead.map((d) => d.headers[DeadLetterHeaders.answered])).toEqual([
      'true',
      'true',
      'false',
    ]);
  });
});
