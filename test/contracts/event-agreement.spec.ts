import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { CURRENCY_CODES, MAX_AMOUNT, TRANSFER_REJECTION_REASONS } from '#contracts';
import { toResult } from '../../apps/ledger/src/posting/apply-transfer.js';
import { decodeTransferRequested } from '../../apps/ledger/src/posting/decode-transfer-requested.js';
import type { TransferDecision } from '../../apps/ledger/src/posting/decide-transfer.js';
import { decodeTransferResult } from '../../apps/payments/src/settlement/decode-transfer-result.js';
import {
  parseCreateTransferRequest,
  type CreateTransferRequest,
} from '../../apps/payments/src/transfers/create-transfer/create-transfer.request.js';
import { transferRequestedMessage } from '../../apps/payments/src/transfers/create-transfer/transfer-requested.message.js';

/*
 * Whatever the payments API accepts, the ledger can read; whatever the ledger answers,
 * settlement can read. Generated, not listed: a field validated one way by the writer and
 * another by the reader is exactly the kind of gap a handful of examples misses (an account id
 * that is a UUID by the API's rule but not by a stricter one was accepted with 202, then
 * dead-lettered by the ledger and never settled).
 */

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-fA-F]{${n}}$`));
/** Any 8-4-4-4-12 hex string, either case, any version and variant bits, and the nil UUID. */
const uuidLike = fc.oneof(
  fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-')),
  fc.uuid(),
  fc.constant('00000000-0000-0000-0000-000000000000'),
);
const amount = fc.oneof(
  fc.bigInt({ min: 1n, max: MAX_AMOUNT }).map(String),
  fc.constantFrom('1', MAX_AMOUNT.toString()),
  fc.stringMatching(/^[0-9]{1,20}$/), // some invalid (leading zeros, too large): the API decides
);
const currency = fc.oneof(
  fc.constantFrom(...CURRENCY_CODES),
  fc.stringMatching(/^[A-Z]{3}$/), // mostly not ISO 4217 codes: refused by the API
);
/** Bodies near the valid ones, so that most are accepted and the rest probe the edges. */
const body = fc.record({
  debitAccountId: uuidLike,
  creditAccountId: uuidLike,
  amount,
  currency,
});

/** What the API would store and the outbox would publish for an accepted request. */
function publishedFor(request: CreateTransferRequest): Buffer {
  const id = randomUUID();
  const transfer = {
    id,
    status: 'pending' as const,
    ...request,
    createdAt: new Date().toISOString(),
  };
  const message = transferRequestedMessage(transfer, 'transfers.requested', '00-x');
  return Buffer.from(JSON.stringify(message.payload));
}

function accepted(candidate: unknown): CreateTransferRequest | undefined {
  try {
    return parseCreateTransferRequest(candidate);
  } catch {
    return undefined;
  }
}

const decision: fc.Arbitrary<TransferDecision> = fc.oneof(
  fc.constant({ kind: 'settle' as const }),
  fc.constantFrom(...TRANSFER_REJECTION_REASONS).map((reason) => ({
    kind: 'reject' as const,
    reason,
  })),
);

describe('events agree between writer and reader', () => {
  it('the ledger decodes every TransferRequested the API accepts, with the same fields', () => {
    let acceptedCount = 0;
    fc.assert(
      fc.property(body, (candidate) => {
        const request = accepted(candidate);
        if (!request) return;
        acceptedCount++;
        const event = decodeTransferRequested(publishedFor(request));
        expect(event).toMatchObject({
          debitAccountId: request.debitAccountId,
          creditAccountId: request.creditAccountId,
          amount: request.amount,
          currency: request.currency,
        });
      }),
      { numRuns: 2_000 },
    );
    // Not vacuous: a good share of the generated bodies are ones the API accepts.
    expect(acceptedCount).toBeGreaterThan(500);
  });

  it('settlement decodes every result the ledger writes for such a transfer', () => {
    const acceptedBody = body
      .map(accepted)
      .filter((r): r is CreateTransferRequest => r !== undefined);
    fc.assert(
      fc.property(
        acceptedBody,
        decision,
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        (request, decided, now) => {
          const event = decodeTransferRequested(publishedFor(request));
          const result = toResult(event, decided, now);
          const settlement = decodeTransferResult(Buffer.from(JSON.stringify(result)));
          expect(settlement).toEqual(
            decided.kind === 'settle'
              ? {
                  transferId: event.transferId,
                  status: 'completed',
                  reason: null,
                  // What settlement checks against the stored transfer: the request's own terms.
                  terms: {
                    debitAccountId: request.debitAccountId,
                    creditAccountId: request.creditAccountId,
                    amount: request.amount,
                    currency: request.currency,
                  },
                }
              : { transferId: event.transferId, status: 'rejected', reason: decided.reason },
          );
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
