import { registerAs } from '@nestjs/config';
import { z } from 'zod';
import { deadLetterTopicOf, KafkaNames, Topics } from '#contracts';
import { deliveryGuarantees, kafkaClientNames } from '#kafka-eos';
import {
  checkReplication,
  databaseUrlSchema,
  idleInTransactionTimeoutSchema,
  kafkaBrokersSchema,
  loadConfig,
  portSchema,
  replicasSchema,
  serviceTokenSchema,
  kafkaSaslEnv,
  kafkaSaslOf,
} from '#config';

/** Every setting of the ledger service, read from the environment once at start-up. */
export const ledgerEnvSchema = z
  .object({
    PORT: portSchema.default(3001),
    /** Serves /metrics and /docs (and /health); never publish it. See listenWithManagement. */
    MANAGEMENT_PORT: portSchema.default(9465),
    /** The token payments presents to this internal HTTP API. No default. */
    LEDGER_API_TOKEN: serviceTokenSchema,
    DATABASE_URL: databaseUrlSchema.default('postgres://postgres@127.0.0.1:5432/ledger'),
    /**
     * The role that owns the schema, for migrations only; the service then runs as DATABASE_URL's
     * user with DML rights alone. Unset: the migrations run as DATABASE_URL's user.
     */
    DATABASE_MIGRATION_URL: databaseUrlSchema.optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** Sessions idle inside a transaction longer than this are ended by the server (0: never). */
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: idleInTransactionTimeoutSchema,
    KAFKA_BROKERS: kafkaBrokersSchema.default(['127.0.0.1:9092']),
    ...kafkaSaslEnv,
    /** The Kafka client library (see libs/kafka-eos/src/client). */
    KAFKA_CLIENT: z.enum(kafkaClientNames).default('kafkajs'),
    TOPIC_TRANSFER_REQUESTED: z.string().min(1).default(Topics.transferRequested),
    TOPIC_TRANSFER_RESULTS: z.string().min(1).default(Topics.transferResults),
    /** Where records that cannot be applied go (undecodable, or failing POSTING_MAX_ATTEMPTS times). */
    TOPIC_DEAD_LETTER: z.string().min(1).default(deadLetterTopicOf(Topics.transferRequested)),
    TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1_000).default(6),
    /** Replicas of topics this service creates: `auto` is 3 on a cluster of 3 or more brokers. */
    TOPIC_REPLICATION_FACTOR: replicasSchema,
    /** Their `min.insync.replicas`: `auto` is 2 with 3 replicas or more, else 1. */
    TOPIC_MIN_INSYNC_REPLICAS: replicasSchema,
    CONSUMER_GROUP: z.string().min(1).default(KafkaNames.ledgerGroup),
    POSTING_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
    /**
     * With KAFKA_CLIENT=confluent: this instance's name, kept across restarts (a StatefulSet's
     * pod name). Its transactional id is built from it, so a restart aborts what its predecessor
     * left open at once. Never the same for two running instances. Default: random per start.
     */
    KAFKA_INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, dot, underscore and dash (1 to 100)')
      .optional(),
    /**
     * `transaction.timeout.ms` of the posting producers: a transaction open longer (a paused
     * process) is aborted by its coordinator, and the ledger posts the batch again with a new
     * producer. At most the broker's `transaction.max.timeout.ms` (15 min by default).
     */
    KAFKA_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(900_000).default(30_000),
    /** What a crash may lose or duplicate (see `DeliveryGuarantee`); other values are for labs. */
    DELIVERY_GUARANTEE: z.enum(deliveryGuarantees).default('exactly-once'),
    /** Partitions whose batches one instance posts at the same time (each holds a database connection). */
    PARTITIONS_CONSUMED_CONCURRENTLY: z.coerce.number().int().min(1).max(100).default(6),
    /** Set false to serve HTTP only (e.g. a read replica of the API). */
    POSTING_ENABLED: z.stringbool().default(true),
  })
  .superRefine(checkReplication)
  .superRefine((env, ctx) => void kafkaSaslOf(env, ctx))
  .transform((env) => ({
    port: env.PORT,
    managementPort: env.MANAGEMENT_PORT,
    apiToken: env.LEDGER_API_TOKEN,
    databaseUrl: env.DATABASE_URL,
    databaseMigrationUrl: env.DATABASE_MIGRATION_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseIdleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    kafkaBrokers: env.KAFKA_BROKERS,
    kafkaSasl: kafkaSaslOf(env),
    kafkaClient: env.KAFKA_CLIENT,
    topicPartitions: env.TOPIC_PARTITIONS,
    topicReplication: {
      replicationFactor: env.TOPIC_REPLICATION_FACTOR,
      minInsyncReplicas: env.TOPIC_MIN_INSYNC_REPLICAS,
    },
    topics: {
      transferRequested: env.TOPIC_TRANSFER_REQUESTED,
      transferResults: env.TOPIC_TRANSFER_RESULTS,
      deadLetter: env.TOPIC_DEAD_LETTER,
    },
    posting: {
      enabled: env.POSTING_ENABLED,
      consumerGroup: env.CONSUMER_GROUP,
      maxAttempts: env.POSTING_MAX_ATTEMPTS,
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      transactionTimeoutMs: env.KAFKA_TRANSACTION_TIMEOUT_MS,
      instanceId: env.KAFKA_INSTANCE_ID,
      guarantee: env.DELIVERY_GUARANTEE,
      partitionsConcurrently: env.PARTITIONS_CONSUMED_CONCURRENTLY,
    },
  }));

export type LedgerConfig = z.output<typeof ledgerEnvSchema>;

export const ledgerConfig = registerAs('ledger', (): LedgerConfig => loadConfig(ledgerEnvSchema));
