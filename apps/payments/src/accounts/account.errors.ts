import { DomainError } from '#http-errors';

/**
 * Also for an account that exists but belongs to another client: whether it exists is not
 * revealed (OWASP API1). `field` names the request field, when there is one.
 */
export class AccountNotFoundError extends DomainError {
  readonly code = 'ACCOUNT_NOT_FOUND';

  constructor(field?: string) {
    super(
      'No such account of yours.',
      field === undefined ? undefined : [{ field, message: 'is not an account you may use here' }],
    );
  }
}

export class InvalidAccountIdError extends DomainError {
  readonly code = 'INVALID_ACCOUNT_ID';

  constructor() {
    super('An account id is a UUID.');
  }
}

/** The ledger did not answer in time, or answered with an outage: nothing was changed by us. */
export class LedgerUnavailableError extends DomainError {
  readonly code = 'LEDGER_UNAVAILABLE';

  constructor(cause: unknown) {
    super('The ledger is not available; retry later.', undefined, { cause });
  }
}
