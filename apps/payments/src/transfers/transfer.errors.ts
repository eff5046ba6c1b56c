import { DomainError } from '#http-errors';

export class IdempotencyKeyMissingError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_MISSING';

  constructor() {
    super(
      'The Idempotency-Key header is required: a unique value per transfer, reused on retries.',
    );
  }
}

/** The key was used before with a different body: the client would otherwise lose one of them. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor() {
    super('This Idempotency-Key was already used with a different request body.');
  }
}

export class InvalidTransferIdError extends DomainError {
  readonly code = 'INVALID_TRANSFER_ID';

  constructor() {
    super('A transfer id is a UUID.');
  }
}

/** Also for another client's transfer: its existence is not revealed. */
export class TransferNotFoundError extends DomainError {
  readonly code = 'TRANSFER_NOT_FOUND';

  constructor() {
    super('No such transfer.');
  }
}
