import type { EntityManager } from 'typeorm';
import type { OutboxMessage } from './outbox-message.js';

/**
 * Adds a message to the outbox inside the caller's transaction, so the message exists if and
 * only if the business change it describes commits.
 */
export async function appendToOutbox(tx: EntityManager, message: OutboxMessage): Promise<void> {
  await tx.query(
    `insert into outbox (event_id, topic, key, payload, headers) values ($1, $2, $3, $4, $5)`,
    [
      message.eventId,
      message.topic,
      message.key,
      JSON.stringify(message.payload),
      JSON.stringify(message.headers),
    ],
  );
}
