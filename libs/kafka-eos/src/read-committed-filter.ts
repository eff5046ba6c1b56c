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
 * Refuses to run on a kafkajs whose read_committed filter lets aborted records through.
 *
 * kafkajs 2.2.4 (its last release) drops the records of aborted transactions itself, from the
 * list the broker sends with each fetch, and gets it wrong when several aborted transactions
 * overlap: the broker lists them in marker order and more than one can be open where a fetch
 * starts (test/kafka/read-committed.e2e-spec.ts). A consumer would then process, say, a ledger
 * result whose transaction was aborted, next to the one that replaced it. The project patches
 * kafkajs on install (`postinstall: patch-package`); an install that skipped the patch (for
 * example `--ignore-scripts`) is caught here, at start-up, instead of as a duplicate later.
 */
export function assertReadCommittedFilter(): void {
  const require = createRequire(import.meta.url);
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
  if (kept.length !== 0) {
    throw new Error(
      `kafkajs' read_committed filter is unpatched and would hand out aborted records; ` +
        `run \`npm install\` (its postinstall applies ${PATCH})`,
    );
  }
}
