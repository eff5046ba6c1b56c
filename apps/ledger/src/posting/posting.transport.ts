import { Logger, type Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ensureTopics, KAFKA_CLIENT, type KafkaClient, KafkaEosServer } from '#kafka-eos';
import { ledgerConfig } from '../config/ledger.config.js';
import { LedgerMetrics } from '../metrics/ledger-metrics.js';
import { POSTING } from './posting.controller.js';

/**
 * The ledger's Kafka transport: `POSTING` consumes the requests topic with the posting group,
 * dead-letters to the ledger's dead-letter topic, and writes results, all from the validated
 * config. `configureLedgerApp` connects it; `HealthHttpController` asks it whether posting runs.
 */
export const postingTransport: Provider = {
  provide: KafkaEosServer,
  inject: [ledgerConfig.KEY, KAFKA_CLIENT, LedgerMetrics],
  useFactory: (
    config: ConfigType<typeof ledgerConfig>,
    kafka: KafkaClient,
    metrics: LedgerMetrics,
  ) => {
    const { topics, topicPartitions, posting } = config;
    const logger = new Logger('Posting');
    if (posting.enabled && posting.guarantee !== 'exactly-once')
      logger.warn(
        `posting with delivery guarantee ${posting.guarantee}: results may be lost or duplicated`,
      );
    return new KafkaEosServer({
      kafka,
      logger,
      subscriptions: {
        [POSTING]: {
          enabled: posting.enabled,
          topic: topics.transferRequested,
          groupId: posting.consumerGroup,
          deadLetterTopic: topics.deadLetter,
          outputTopics: [topics.transferResults],
          guarantee: posting.guarantee,
          maxAttempts: posting.maxAttempts,
          sessionTimeoutMs: posting.sessionTimeoutMs,
          transactionTimeoutMs: posting.transactionTimeoutMs,
          instanceId: posting.instanceId,
          partitionsConsumedConcurrently: posting.partitionsConcurrently,
          observer: metrics.posting,
        },
      },
      prepare: () =>
        ensureTopics(
          kafka,
          [
            { topic: topics.transferRequested, numPartitions: topicPartitions },
            { topic: topics.transferResults, numPartitions: topicPartitions, written: true },
            { topic: topics.deadLetter, numPartitions: 1, written: true },
          ],
          config.topicReplication,
        ),
      // A misconfiguration found at start-up (logged by the processor): the ledger must not run.
      onFatal: () => process.exit(1),
    });
  },
};
