import { DeadLetterHeaders } from '#kafka-eos';
import { readCommitted } from '../support/read-topic.js';
import { LedgerFixture } from './ledger-fixture.js';

/**
 * Dead letters too large for one send. A dead letter is the failed record plus the dlq-* headers,
 * so it is larger than the record: many of them from one fetched batch (up to 1 MiB of a
 * partition) are more than a topic accepts in one record batch (its `max.message.bytes`, 1 MiB
 * by default), and one of a record near the limit is more than the limit on its own. Sent as
 * they are, the broker refuses the transaction's send every time and the partition never moves.
 */
describe('dead letters too large for one send', () => {
  let fx: LedgerFixture;

  beforeEach(async () => {
    fx = await LedgerFixture.create('large-dead-letters');
  });
  afterEach(async () => {
    await fx?.close();
  });

  it('of one fetched batch are split across sends, and the partition moves on', async () => {
    const setup = await fx.startLedger({ POSTING_ENABLED: 'false' });
    const payer = await fx.openAccount(setup, 'EUR', 100n);
    const payee = await fx.openAccount(setup, 'EUR');
    await setup.process.stop();
    // 6,000 small records in one partition (one key), about 0.9 MB: written before the ledger
    // starts, so that its first fetch takes (nearly) all of them. Their dead letters, each with
    // some 230 bytes of dlq-* headers, come to more than twice that.
    for (let t = 0; t < 6; t++) {
      const records = Array.from({ length: 1_000 }, (_, i) => ({
        raw: `not JSON ${t}-${i} `.padEnd(100, '.'),
        key: payer,
      }));
      await fx.send(records);
    }
    const after = fx.transfer(payer, payee, 7n);
    await fx.send([after]);
    await fx.startLedger();
    await fx.waitForApplied(60_000);
    await fx.waitForResults(60_000);

    expect(await fx.resultEvents()).toEqual([
      expect.objectContaining({ transferId: after.transferId, type: 'TransferSettled' }),
    ]);
    expect(await readCommitted(fx.kafka, fx.deadLetter)).toHaveLength(6_000);
  });

  it('of a record near the limit is cut to fit, and the partition moves on', async () => {
    const ledger = await fx.startLedger();
    const payer = await fx.openAccount(ledger, 'EUR', 100n);
    const payee = await fx.openAccount(ledger, 'EUR');
    // Fits the request topic in a record batch of its own; with the dlq-* headers it would not.
    const nearLimit = 1_048_400;
    await fx.send([{ raw: 'x'.padEnd(nearLimit, '.'), key: payer }]);
    const after = fx.transfer(payer, payee, 7n);
    await fx.send([after]);
    await fx.waitForApplied(60_000);
    await fx.waitForResults(60_000);

    const [dead, ...more] = await readCommitted(fx.kafka, fx.deadLetter);
    expect(more).toEqual([]);
    expect(dead?.headers[DeadLetterHeaders.valueTruncated]).toBe(String(nearLimit));
    expect(dead?.value.length).toBeGreaterThan(nearLimit - 3_000);
    expect((await fx.resultEvents()).map((r) => r.transferId)).toEqual([after.transferId]);
  });
});
