/** Default topic names; each service can override them through its configuration. */
export const Topics = {
  /** `TransferRequested` events from the payments outbox relay. */
  transferRequested: 'transfers.requested',
  /** `TransferSettled` / `TransferRejected` results from the ledger. */
  transferResults: 'transfers.results',
} as const;
