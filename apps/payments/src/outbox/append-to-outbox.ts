import type { EntityManager } from 'typeorm';
import { encodeOutboxMessage } from './encode-outbox-message.js';
import type { OutboxMessage } from './outbox-message.js';

/**
 * Adds a message to the outbox inside the caller's transaction, so the message exists if and
 * only if the business change it describes commits. A message too large to publish is refused
 * (EventTooLargeError) before anything is written, and the caller's transaction rolls back.
 */
export async function appendToOutbox(tx: EntityManager, message: OutboxMessage): Promise<void> {
  const row = encodeOutboxMessage(message);
  await tx.query(
    `insert into outbox (event_id, topic, key, payload, headers) values ($1, $2, $3, $4, $5)`,
    [row.eventId, row.topic, row.key, row.payload, row.headers],
  );
}
