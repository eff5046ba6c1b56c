import { randomUUID } from 'node:crypto';
import { DeadLetterHeaders } from '#kafka-eos';
import { waitFor } from '#test-infra';
import type { AcceptedTransfer } from '../../apps/payments/src/transfers/transfer.response.js';
import { produceRecords } from '../support/produce-records.js';
import { readCommitted } from '../support/read-topic.js';
import { PipelineFixture } from './pipeline-fixture.js';

/**
 * Results nobody trustworthy wrote, straight into the results topic: each names a real pending
 * transfer but settles it on other terms (another amount, another currency, the accounts the
 * other way round). Settlement compares every result with its stored transfer: those three are
 * not applied (the transfers stay pending), they are dead-lettered and counted, and the good
 * result behind them on the same partition is applied. A result for a transfer payments never
 * had is counted and left alone.
 */
describe('forged results', () => {
  let fx: PipelineFixture;

  beforeAll(async () => {
    fx = await PipelineFixture.create('forged-results');
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('applies none that disagree with the stored transfer, dead-letters them, and moves on', async () => {
    await fx.startLedger();
    const [payer = '', payee = ''] = await fx.openAccountsAside([1_000n, undefined]);
    // Accepted, never published (the relay is off): only the forged results reach settlement.
    await fx.startPayments({ RELAY_MODE: 'off' });
    const [wrongAmount, wrongCurrency, swapped, good] = [
      await fx.postTransfer(payer, payee, 10n),
      await fx.postTransfer(payer, payee, 20n),
      await fx.postTransfer(payer, payee, 30n),
      await fx.postTransfer(payer, payee, 40n),
    ];
    if (!wrongAmount || !wrongCurrency || !swapped || !good) throw new Error('not accepted');

    const settled = (t: AcceptedTransfer, change: Record<string, string> = {}) =>
      JSON.stringify({
        type: 'TransferSettled',
        version: 1,
        eventId: t.id,
        transferId: t.id,
        debitAccountId: t.debitAccountId,
        creditAccountId: t.creditAccountId,
        amount: t.amount,
        currency: t.currency,
        settledAt: new Date().toISOString(),
        ...change,
      });
    const unknown = randomUUID();
    await produceRecords((process.env.KAFKA_BROKERS ?? '').split(','), fx.topics.results, good.id, [
      { value: settled(wrongAmount, { amount: '1000' }) },
      { value: settled(wrongCurrency, { currency: 'USD' }) },
      {
        value: settled(swapped, {
          debitAccountId: swapped.creditAccountId,
          creditAccountId: swapped.debitAccountId,
        }),
      },
      { value: settled(good, { eventId: unknown, transferId: unknown }) },
      { value: settled(good) },
    ]);

    const [final] = await fx.waitForFinal([good.id]);
    expect(final?.status).toBe('completed');
    for (const forged of [wrongAmount, wrongCurrency, swapped]) {
      expect((await fx.getTransfer(forged.id)).status).toBe('pending');
    }

    const dead = await waitFor(
      async () => {
        const records = (await readCommitted(fx.kafka, `${fx.topics.results}.dlq`)).filter((r) =>
          r.headers[DeadLetterHeaders.reason]?.includes('does not match'),
        );
        return records.length >= 3 && records;
      },
      { description: 'the three forged results in the dead-letter topic', timeoutMs: 30_000 },
    );
    expect(dead.map((r) => r.headers[DeadLetterHeaders.reason])).toEqual([
      expect.stringMatching(new RegExp(`${wrongAmount.id} does not match it: amount differ`)),
      expect.stringMatching(new RegExp(`${wrongCurrency.id} does not match it: currency differ`)),
      expect.stringMatching(
        new RegExp(`${swapped.id} does not match it: debitAccountId, creditAccountId differ`),
      ),
    ]);
    expect(await fx.metric('payments', 'settlement_results_refused_total{reason="mismatch"}')).toBe(
      3,
    );
    expect(
      await fx.metric('payments', 'settlement_results_refused_total{reason="unknown-transfer"}'),
    ).toBe(1);
    const errors = fx.jsonLogs('payments').filter((l) => l.level === 'error');
    expect(
      errors.some(
        (l) => l.transferId === wrongAmount.id && String(l.message).includes('not applied'),
      ),
    ).toBe(true);
  });
});
