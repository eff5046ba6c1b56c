import { Logger, type Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { deadLetterTopicOf } from '#contracts';
import { ensureTopics, KAFKA_CLIENT, type KafkaClient, KafkaEosServer } from '#kafka-eos';
import { paymentsConfig } from '../config/payments.config.js';
import { PaymentsMetrics } from '../metrics/payments-metrics.js';
import { SETTLEMENT } from './settlement.controller.js';

/**
 * Payments' Kafka transport: `SETTLEMENT` consumes the results topic with the settlement group
 * and dead-letters to `<results>.dlq`, from the validated config. `configurePaymentsApp` connects
 * it; `HealthHttpController` asks it whether settlement runs.
 */
export const settlementTransport: Provider = {
  provide: KafkaEosServer,
  inject: [paymentsConfig.KEY, KAFKA_CLIENT, PaymentsMetrics],
  useFactory: (
    config: ConfigType<typeof paymentsConfig>,
    kafka: KafkaClient,
    metrics: PaymentsMetrics,
  ) => {
    const { transferResults } = config.topics;
    const { settlement } = config;
    const deadLetterTopic = deadLetterTopicOf(transferResults);
    return new KafkaEosServer({
      kafka,
      logger: new Logger('Settlement'),
      subscriptions: {
        [SETTLEMENT]: {
          enabled: settlement.enabled,
          topic: transferResults,
          groupId: settlement.consumerGroup,
          deadLetterTopic,
          guarantee: settlement.guarantee,
          sessionTimeoutMs: settlement.sessionTimeoutMs,
          transactionTimeoutMs: settlement.transactionTimeoutMs,
          instanceId: settlement.instanceId,
          partitionsConsumedConcurrently: settlement.partitionsConcurrently,
          observer: metrics.settlement,
        },
      },
      // Accepting transfers needs no Kafka: settlement starts when Kafka answers, not before the
      // API may serve.
      prepare: () =>
        ensureTopics(
          kafka,
          [
            { topic: transferResults, numPartitions: config.topicPartitions },
            { topic: deadLetterTopic, numPartitions: 1, written: true },
          ],
          config.topicReplication,
        ),
      // A misconfiguration found at start-up (logged by the processor): payments must not run.
      onFatal: () => process.exit(1),
    });
  },
};
