import { DomainError } from '#http-errors';

/**
 * The event a request would publish is larger than the outbox accepts (`MAX_OUTBOX_MESSAGE_BYTES`).
 * Refused before anything is written: once in the outbox, a record the broker refuses would be
 * retried by the relay for ever and hold back every row behind it.
 */
export class EventTooLargeError extends DomainError {
  readonly code = 'EVENT_TOO_LARGE';

  constructor(bytes: number, maxBytes: number) {
    super(
      `The event this request publishes would take ${bytes} bytes; at most ${maxBytes} are accepted.`,
    );
  }
}
