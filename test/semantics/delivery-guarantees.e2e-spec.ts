import type { DeliveryGuarantee } from '#kafka-eos';
import { waitFor } from '#test-infra';
import { countByTransfer, LedgerFixture } from '../ledger/ledger-fixture.js';

const transferCount = 40;
/**
 * The same fault for every guarantee: SIGKILL right after the 3rd transfer's result was handed to
 * Kafka (sent, or queued for the batch's transaction). All transfers are produced in one Kafka
 * transaction, so the first batch of a partition holds at least 10 records and the crash lands in
 * its middle: the whole batch is posted in the database, two results went out before the third,
 * the rest did not.
 */
const crashAt = 'eos.after-record:3';

interface Outcome {
  guarantee: DeliveryGuarantee;
  lost: number;
  duplicated: number;
  exactlyOnce: number;
}

/**
 * The ledger pipeline run with each delivery guarantee of `libs/kafka-eos` under the same fault,
 * then counted on the results topic (read_committed): what each one loses or duplicates.
 */
describe('delivery guarantees under the same fault', () => {
  const outcomes: Outcome[] = [];
  let fx: LedgerFixture | undefined;

  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });
  afterAll(() => {
    if (outcomes.length === 0) return;
    console.log(
      `${transferCount} transfers, ledger killed at ${crashAt}, then restarted:\n${formatTable(outcomes)}`,
    );
  });

  async function fundedAccounts(ledger: LedgerFixture, count: number): Promise<string[]> {
    const setup = await ledger.startLedger({ POSTING_ENABLED: 'false' });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await ledger.openAccount(setup, 'EUR', 10_000n));
    await setup.process.stop();
    return ids;
  }

  /** Runs the workload and the fault with one guarantee; counts results per transfer. */
  async function run(guarantee: DeliveryGuarantee): Promise<Outcome> {
    const ledger = (fx = await LedgerFixture.create(`semantics-${guarantee}`));
    const accounts = await fundedAccounts(ledger, 4);
    const pick = (i: number): string => accounts[i % accounts.length] ?? '';
    const transfers = Array.from({ length: transferCount }, (_, i) =>
      ledger.transfer(pick(i), pick(i + 1), BigInt(1 + (i % 7))),
    );
    await ledger.send(transfers);

    const env = { DELIVERY_GUARANTEE: guarantee };
    const crashing = await ledger.startLedger({ ...env, EOS_CRASH_AT: crashAt });
    expect((await crashing.process.exited).signal).toBe('SIGKILL');
    await ledger.startLedger(env);

    // One marker per input key, sent after the restart: keys are debit accounts, so the markers
    // reach every partition that holds a transfer, behind all of them. Once every marker has a
    // result, everything before it was consumed, whatever the guarantee dropped on the way.
    const markers = accounts.map((id, i) => ledger.transfer(id, pick(i + 1), 1n));
    await ledger.send(markers);
    await waitFor(
      async () => {
        const seen = new Set((await ledger.resultEvents()).map((r) => r.transferId));
        return markers.every((m) => seen.has(m.transferId));
      },
      {
        description: `results for ${markers.length} markers`,
        timeoutMs: 90_000,
        intervalMs: 1_000,
      },
    );

    const counts = countByTransfer(await ledger.resultEvents());
    const perTransfer = transfers.map((t) => counts.get(t.transferId) ?? 0);
    const outcome = {
      guarantee,
      lost: perTransfer.filter((n) => n === 0).length,
      duplicated: perTransfer.filter((n) => n > 1).length,
      exactlyOnce: perTransfer.filter((n) => n === 1).length,
    };
    outcomes.push(outcome);
    return outcome;
  }

  it('exactly-once: every transfer has exactly one result', async () => {
    const outcome = await run('exactly-once');
    expect(outcome).toMatchObject({ lost: 0, duplicated: 0, exactlyOnce: transferCount });
  });

  it('at-least-once: nothing is lost, the batch in flight is duplicated', async () => {
    const outcome = await run('at-least-once');
    expect(outcome.lost).toBe(0);
    expect(outcome.duplicated).toBeGreaterThan(0);
  });

  it('at-most-once: nothing is duplicated, the batch in flight is lost', async () => {
    const outcome = await run('at-most-once');
    expect(outcome.duplicated).toBe(0);
    expect(outcome.lost).toBeGreaterThan(0);
  });
});

function formatTable(rows: Outcome[]): string {
  const header = ['guarantee', 'lost', 'duplicated', 'exactly once'];
  const cells = rows.map((r) => [r.guarantee, r.lost, r.duplicated, r.exactlyOnce].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]): string => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join(
    '\n',
  );
}
