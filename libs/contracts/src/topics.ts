/** Default topic names; each service can override them through its configuration. */
export const Topics = {
  /** `TransferRequested` events from the payments outbox relay. */
  transferRequested: 'transfers.requested',
  /** `TransferSettled` / `TransferRejected` results from the ledger. */
  transferResults: 'transfers.results',
} as const;

/**
 * Default consumer groups, transactional ids and the relay's position topic. The services use
 * them unless configured otherwise, and the Kafka ACLs name them (apps/kafka-setup).
 */
export const KafkaNames = {
  /** The ledger's group; its transactional ids start with it. */
  ledgerGroup: 'ledger',
  /** Settlement's group; its transactional ids start with it. */
  settlementGroup: 'payments-settlement',
  /** The relay's transactional id, and the group whose committed offset is its position. */
  relayTransactionalId: 'payments-outbox-relay',
  relayPositionTopic: 'payments.outbox-relay.position',
} as const;

/** The dead-letter topic of a consumer of `topic`. */
export const deadLetterTopicOf = (topic: string): string => `${topic}.dlq`;
