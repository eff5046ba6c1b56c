/** A mistake in the command line: reported with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A request that cannot be carried out as asked (no such topic, no dead letter at those
 * coordinates): reported as one line without a stack, exit code 1, and nothing was changed.
 */
export class OperatorError extends Error {
  override readonly name = 'OperatorError';
}
