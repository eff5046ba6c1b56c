/** Kafka record headers every event carries. Values are UTF-8 strings. */
export const EventHeaders = {
  /** The event's unique id (for a transfer event, the transfer id). */
  eventId: 'event-id',
  /** The event's type, e.g. `TransferRequested`. */
  eventType: 'event-type',
  /** The schema version of the value, e.g. `1`. */
  eventVersion: 'event-version',
  /** W3C trace context of the request that caused the event (https://www.w3.org/TR/trace-context/). */
  traceparent: 'traceparent',
  contentType: 'content-type',
} as const;
