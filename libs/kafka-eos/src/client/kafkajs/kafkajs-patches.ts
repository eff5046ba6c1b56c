import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface FilterInput {
  messages: {
    offset: string;
    key: Buffer | null;
    isControlRecord: boolean;
    batchContext: { producerId: string; inTransaction: boolean };
  }[];
  abortedTransactions: { producerId: string; firstOffset: string }[];
}

const PATCH = 'patches/kafkajs+2.2.4.patch';

/**
 * Refuses to run on a kafkajs without the project's three fixes (`${PATCH}`, applied by
 * `postinstall: patch-package`); an install that skipped them (for example `--ignore-scripts`)
 * is caught at start-up instead of as lost or duplicated records later.
 */
export function assertKafkajsPatched(): void {
  const require = createRequire(import.meta.url);
  assertReadCommittedFilter(require);
  assertPerPartitionSendRetry(require);
  assertOneSendAtATime(require);
}

function unpatched(what: string): Error {
  return new Error(
    `kafkajs is unpatched: ${what}; run \`npm install\` (its postinstall applies ${PATCH})`,
  );
}

/**
 * A retried send must resend every partition not yet acknowledged, wherever its leader moved.
 * kafkajs 2.2.4 skipped brokers that had answered an earlier attempt, so a partition whose
 * leadership moved to one of them was dropped while the send resolved
 * (test/kafka/producer-leader-change.e2e-spec.ts). There is no cheap way to exercise that here
 * without a cluster, so the patched source is recognised by what it tracks.
 */
function assertPerPartitionSendRetry(require: NodeJS.Require): void {
  const source = readFileSync(require.resolve('kafkajs/src/producer/sendMessages.js'), 'utf8');
  if (!source.includes('const acknowledged = new Set()'))
    throw unpatched('a retried send can drop a partition whose leader moved');
}

/**
 * An idempotent or transactional producer must not start a send while another one may still
 * retry: kafkajs 2.2.4 gave a timed-out request's sequence numbers back and let the next send
 * take them, so one record was answered as a duplicate without being written and the other
 * written twice (test/kafka/producer-lost-ack.e2e-spec.ts). Recognised by the source, as above.
 */
function assertOneSendAtATime(require: NodeJS.Require): void {
  const source = readFileSync(require.resolve('kafkajs/src/producer/sendMessages.js'), 'utf8');
  if (!source.includes('return sendOneAtATime'))
    throw unpatched('concurrent sends of an idempotent producer can lose and double records');
}

/**
 * Refuses to run on a kafkajs whose read_committed filter lets aborted records through.
 *
 * kafkajs 2.2.4 (its last release) drops the records of aborted transactions itself, from the
 * list the broker sends with each fetch, and gets it wrong when several aborted transactions
 * overlap: the broker lists them in marker order and more than one can be open where a fetch
 * starts (test/kafka/read-committed.e2e-spec.ts). A consumer would then process, say, a ledger
 * result whose transaction was aborted, next to the one that replaced it.
 */
function assertReadCommittedFilter(require: NodeJS.Require): void {
  const filter = require('kafkajs/src/consumer/filterAbortedMessages.js') as (
    input: FilterInput,
  ) => unknown[];
  // Two aborted transactions both open at offset 0; the record belongs to the second one listed.
  const kept = filter({
    messages: [
      {
        offset: '0',
        key: null,
        isControlRecord: false,
        batchContext: { producerId: '2', inTransaction: true },
      },
    ],
    abortedTransactions: [
      { producerId: '1', firstOffset: '0' },
      { producerId: '2', firstOffset: '0' },
    ],
  });
  if (kept.length !== 0) throw unpatched('read_committed would hand out aborted records');
}
