/** One row of the outbox: a Kafka record to publish once the writing transaction commits. */
export interface OutboxMessage {
  /** Unique id of the event; becomes the `event-id` header. */
  eventId: string;
  topic: string;
  key: string;
  /** The record value, serialised as JSON. */
  payload: object;
  headers: Record<string, string>;
}
