import { randomUUID } from 'node:crypto';
import { Topics } from '#contracts';
import { recordBytes } from '#kafka-eos';
import { transferRequestedMessage } from '../transfers/create-transfer/transfer-requested.message.js';
import { encodeOutboxMessage, MAX_OUTBOX_MESSAGE_BYTES } from './encode-outbox-message.js';
import { EventTooLargeError } from './outbox.errors.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A transfer's event with the longest field values the API accepts. */
function largestTransferEvent(): ReturnType<typeof transferRequestedMessage> {
  return transferRequestedMessage(
    {
      id: randomUUID(),
      status: 'pending',
      debitAccountId: randomUUID(),
      creditAccountId: randomUUID(),
      amount: '9223372036854775807',
      currency: 'EUR',
      createdAt: new Date().toISOString(),
    },
    Topics.transferRequested,
    TRACEPARENT,
  );
}

describe('encodeOutboxMessage', () => {
  it('keeps a transfer event far below the bound', () => {
    const message = largestTransferEvent();
    const row = encodeOutboxMessage(message);
    expect(JSON.parse(row.payload)).toEqual(message.payload);
    expect(JSON.parse(row.headers)).toEqual(message.headers);
    const bytes = recordBytes({ key: row.key, value: row.payload, headers: message.headers });
    expect(bytes).toBeLessThan(MAX_OUTBOX_MESSAGE_BYTES / 32);
  });

  it('refuses a message over the bound, counting key, payload and headers', () => {
    const message = largestTransferEvent();
    const bytes = recordBytes({
      key: message.key,
      value: JSON.stringify(message.payload),
      headers: message.headers,
    });
    expect(() => encodeOutboxMessage(message, bytes)).not.toThrow();
    expect(() => encodeOutboxMessage(message, bytes - 1)).toThrow(EventTooLargeError);
    // The headers count as much as the payload: a long one alone tips it over.
    const longHeader = { ...message, headers: { ...message.headers, note: 'x'.repeat(100) } };
    expect(() => encodeOutboxMessage(longHeader, bytes + 99)).toThrow(EventTooLargeError);
  });

  it('refuses with a code the API answers with', () => {
    let refused: unknown;
    try {
      encodeOutboxMessage(largestTransferEvent(), 100);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(EventTooLargeError);
    expect((refused as EventTooLargeError).code).toBe('EVENT_TOO_LARGE');
  });
});
