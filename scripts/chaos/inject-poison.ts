import { randomUUID } from 'node:crypto';
import { EventHeaders, TRANSFER_REQUESTED } from '#contracts';
import { produceRecords } from '../../test/support/produce-records.js';
import type { ChaosStack } from './chaos-stack.js';
import type { History } from './history.js';

/** The payments client the forged transfers belong to (the workload's checks leave them out). */
export const POISON_CLIENT = 'chaos-poison';

/** Everything the run injected that no client sent, so the checks can tell it from real traffic. */
export class InjectedPoison {
  /** Transfers written into payments' database with an invalid outbox payload: must end rejected. */
  readonly forgedTransfers: string[] = [];
  /** Transfer ids only on the request topic (payments never had them): answered, settled nowhere. */
  readonly topicOnlyIds: string[] = [];
  /** Records naming no transfer: dead-lettered, answered by nobody. */
  noIdRecords = 0;

  /** Every transfer id the poison names. */
  ids(): Set<string> {
    return new Set([...this.forgedTransfers, ...this.topicOnlyIds]);
  }
}

/**
 * Poison in the running pipeline, of every kind the ledger must survive without stalling:
 * a transfer forged into payments' outbox whose payload the ledger cannot accept (as a writer
 * bug would publish it; it must end `rejected`, INVALID_REQUEST), and records written straight
 * into the request topic, keyed by a chaos account so they sit between real requests: not JSON
 * with an event-id header, valid JSON with a transfer id and an invalid amount, and neither JSON
 * nor any id.
 */
export async function injectPoison(stack: ChaosStack, history: History): Promise<void> {
  const [debit = '', credit = ''] = stack.accounts;
  const forged = randomUUID();
  const payload = {
    type: TRANSFER_REQUESTED,
    version: 1,
    eventId: forged,
    transferId: forged,
    debitAccountId: debit,
    creditAccountId: credit,
    amount: '1.5',
    currency: 'EUR',
    requestedAt: new Date().toISOString(),
  };
  const client = await stack.paymentsSql.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into transfers (id, client_id, idempotency_key, request_hash, debit_account_id,
         credit_account_id, amount, currency, response_body)
       values ($1::uuid, $2, $1::text, 'forged', $3, $4, 1, 'EUR', '{}')`,
      [forged, POISON_CLIENT, debit, credit],
    );
    await client.query(
      `insert into outbox (event_id, topic, key, payload, headers) values ($1, $2, $3, $4, $5)`,
      [
        forged,
        stack.fx.topics.requested,
        debit,
        JSON.stringify(payload),
        JSON.stringify({ [EventHeaders.eventId]: forged }),
      ],
    );
    await client.query('commit');
    stack.poison.forgedTransfers.push(forged);
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    history.event('fault-skipped', `forged transfer not written: ${(error as Error).message}`);
  } finally {
    client.release();
  }

  const named = randomUUID();
  const invalid = { ...payload, eventId: randomUUID(), amount: '-5' };
  invalid.transferId = invalid.eventId;
  await produceRecords(stack.infra.kafkaBrokers.split(','), stack.fx.topics.requested, debit, [
    { value: '{"type":"TransferRequested",', headers: { [EventHeaders.eventId]: named } },
    { value: JSON.stringify(invalid) },
    { value: 'neither JSON nor an id' },
  ]);
  stack.poison.topicOnlyIds.push(named, invalid.transferId);
  stack.poison.noIdRecords++;
  history.event(
    'fault',
    `poison: transfer ${forged} forged with an invalid payload, 3 records into the request topic`,
  );
}
