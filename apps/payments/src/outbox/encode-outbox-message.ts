import { recordBytes } from '#kafka-eos';
import type { OutboxMessage } from './outbox-message.js';
import { EventTooLargeError } from './outbox.errors.js';

/**
 * The largest record (key, payload and headers, as `recordBytes` counts them for the relay's
 * sends) the outbox accepts. The relay splits its sends by the topics' `max.message.bytes`, but a
 * single record must fit on its own, and one the broker refuses is retried for ever, holding back
 * every row behind it. 64 KiB is far below any topic's limit (Kafka's default is 1 MiB; a
 * deployment that lowers it below this bound gets a warning from the relay), and leaves room for
 * jsonb's text form being a little longer than JSON.stringify's (a space after each `:` and `,`).
 * A transfer's event takes well under 1 KiB.
 */
export const MAX_OUTBOX_MESSAGE_BYTES = 64 * 1024;

/** An outbox row's columns as written: payload and headers as JSON text. */
export interface EncodedOutboxMessage {
  eventId: string;
  topic: string;
  key: string;
  payload: string;
  headers: string;
}

/** Encodes `message` for the outbox, or refuses it (EventTooLargeError) when over `maxBytes`. */
export function encodeOutboxMessage(
  message: OutboxMessage,
  maxBytes = MAX_OUTBOX_MESSAGE_BYTES,
): EncodedOutboxMessage {
  const payload = JSON.stringify(message.payload);
  const bytes = recordBytes({ key: message.key, value: payload, headers: message.headers });
  if (bytes > maxBytes) throw new EventTooLargeError(bytes, maxBytes);
  return {
    eventId: message.eventId,
    topic: message.topic,
    key: message.key,
    payload,
    headers: JSON.stringify(message.headers),
  };
}
