import { z } from 'zod';
import { deadLetterTopicOf, KafkaNames, Topics } from '#contracts';
import {
  checkReplication,
  kafkaBrokersSchema,
  kafkaSaslEnv,
  kafkaSaslOf,
  loadConfig,
  replicasSchema,
} from '#config';

const name = z.string().min(1);

/**
 * The one-shot job's settings. The names default to the services' defaults (#contracts): set
 * the same variables here as on a service that overrides one. KAFKA_SASL_* is a super user's.
 */
export const kafkaSetupEnvSchema = z
  .object({
    KAFKA_BROKERS: kafkaBrokersSchema.default(['127.0.0.1:9092']),
    ...kafkaSaslEnv,
    TOPIC_TRANSFER_REQUESTED: name.default(Topics.transferRequested),
    TOPIC_TRANSFER_RESULTS: name.default(Topics.transferResults),
    /** The ledger's dead-letter topic (its TOPIC_DEAD_LETTER). */
    TOPIC_DEAD_LETTER: name.default(deadLetterTopicOf(Topics.transferRequested)),
    TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1_000).default(6),
    TOPIC_REPLICATION_FACTOR: replicasSchema,
    TOPIC_MIN_INSYNC_REPLICAS: replicasSchema,
    /** The ledger's CONSUMER_GROUP. */
    LEDGER_CONSUMER_GROUP: name.default(KafkaNames.ledgerGroup),
    SETTLEMENT_CONSUMER_GROUP: name.default(KafkaNames.settlementGroup),
    RELAY_TRANSACTIONAL_ID: name.default(KafkaNames.relayTransactionalId),
    RELAY_POSITION_TOPIC: name.default(KafkaNames.relayPositionTopic),
    /** The SASL users the services connect as (their KAFKA_SASL_USERNAME). */
    KAFKA_PRINCIPAL_RELAY: name.default('relay'),
    KAFKA_PRINCIPAL_SETTLEMENT: name.default('payments'),
    KAFKA_PRINCIPAL_LEDGER: name.default('ledger'),
  })
  .superRefine(checkReplication)
  .superRefine((env, ctx) => void kafkaSaslOf(env, ctx))
  .transform((env) => ({
    kafkaBrokers: env.KAFKA_BROKERS,
    kafkaSasl: kafkaSaslOf(env),
    partitions: env.TOPIC_PARTITIONS,
    replication: {
      replicationFactor: env.TOPIC_REPLICATION_FACTOR,
      minInsyncReplicas: env.TOPIC_MIN_INSYNC_REPLICAS,
    },
    names: {
      requested: env.TOPIC_TRANSFER_REQUESTED,
      results: env.TOPIC_TRANSFER_RESULTS,
      requestedDeadLetter: env.TOPIC_DEAD_LETTER,
      resultsDeadLetter: deadLetterTopicOf(env.TOPIC_TRANSFER_RESULTS),
      relayTransactionalId: env.RELAY_TRANSACTIONAL_ID,
      relayPositionTopic: env.RELAY_POSITION_TOPIC,
      settlementGroup: env.SETTLEMENT_CONSUMER_GROUP,
      ledgerGroup: env.LEDGER_CONSUMER_GROUP,
    },
    principals: {
      relay: env.KAFKA_PRINCIPAL_RELAY,
      settlement: env.KAFKA_PRINCIPAL_SETTLEMENT,
      ledger: env.KAFKA_PRINCIPAL_LEDGER,
    },
  }));

export type KafkaSetupConfig = z.output<typeof kafkaSetupEnvSchema>;

export const loadKafkaSetupConfig = (env: Record<string, string | undefined> = process.env) =>
  loadConfig(kafkaSetupEnvSchema, env);
