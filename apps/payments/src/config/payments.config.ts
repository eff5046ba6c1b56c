import { registerAs } from '@nestjs/config';
import { z } from 'zod';
import { KafkaNames, Topics } from '#contracts';
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

/**
 * `clientId:key[,clientId:key...]`. The key authenticates a request; the client id scopes its
 * idempotency keys. No default: a deployment must choose its own keys.
 */
const apiKeysSchema = z
  .string()
  .regex(
    /^[\w.-]+:[^,:\s]{16,}(,[\w.-]+:[^,:\s]{16,})*$/,
    'expected clientId:key[,...] with keys of 16+ characters',
  )
  .transform(
    (s) =>
      new Map(
        s
          .split(',')
          .map((pair) => pair.split(':') as [string, string])
          .map(([client, key]) => [key, client]),
      ),
  );

/**
 * Every setting of the payments service, read from the environment once at start-up.
 * Defaults fit the local demo; docs/configuration.md lists them all.
 */
export const paymentsEnvSchema = z
  .object({
    PORT: portSchema.default(3000),
    /** Serves /metrics and /docs (and /health); never publish it. See listenWithManagement. */
    MANAGEMENT_PORT: portSchema.default(9464),
    DATABASE_URL: databaseUrlSchema.default('postgres://postgres@127.0.0.1:5432/payments'),
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
    API_KEYS: apiKeysSchema,
    /**
     * `name:key[,...]`: keys of operators who may fund accounts and open accounts allowed to go
     * negative (`/admin/...`). Distinct from client keys; none by default (no admin access).
     */
    ADMIN_API_KEYS: apiKeysSchema.optional(),
    /** The ledger's internal HTTP API: balances and entries, opening accounts. */
    LEDGER_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3001'),
    /**
     * The token the ledger expects (its LEDGER_API_TOKEN). No default. Required by the API
     * (`LedgerClient` refuses to start without it); the standalone relay needs none.
     */
    LEDGER_API_TOKEN: serviceTokenSchema.optional(),
    /** How long one call to the ledger may take before the API answers 503 LEDGER_UNAVAILABLE. */
    LEDGER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** Requests one API client may make per RATE_LIMIT_WINDOW_MS, per instance (0: no limit). */
    RATE_LIMIT_REQUESTS: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(1_000),
    TOPIC_TRANSFER_REQUESTED: z.string().min(1).default(Topics.transferRequested),
    TOPIC_TRANSFER_RESULTS: z.string().min(1).default(Topics.transferResults),
    /** Partitions of topics this service creates when they do not exist. */
    TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1_000).default(6),
    /** Replicas of topics this service creates: `auto` is 3 on a cluster of 3 or more brokers. */
    TOPIC_REPLICATION_FACTOR: replicasSchema,
    /** Their `min.insync.replicas`: `auto` is 2 with 3 replicas or more, else 1. */
    TOPIC_MIN_INSYNC_REPLICAS: replicasSchema,
    /** embedded: the relay runs in the API process; standalone: in its own (relay.main.ts); off. */
    RELAY_MODE: z.enum(['embedded', 'standalone', 'off']).default('embedded'),
    RELAY_TRANSACTIONAL_ID: z.string().min(1).default(KafkaNames.relayTransactionalId),
    /** Topic (1 partition) whose committed offset, for a group named after the transactional id, holds the relay's position. */
    RELAY_POSITION_TOPIC: z.string().min(1).default(KafkaNames.relayPositionTopic),
    RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
    /** With a backlog, one Kafka transaction takes full batches for up to this long. */
    RELAY_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(10_000).default(100),
    /**
     * The relay's `transaction.timeout.ms`: its coordinator aborts a transaction open for longer
     * (a paused process, a stalled read) and the relay starts a new producer and carries on. At
     * most the broker's `transaction.max.timeout.ms` (15 min by default).
     */
    RELAY_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(900_000).default(30_000),
    /** Consume the ledger's results and settle transfers in this process. */
    SETTLEMENT_ENABLED: z.stringbool().default(true),
    SETTLEMENT_CONSUMER_GROUP: z.string().min(1).default(KafkaNames.settlementGroup),
    /** How long a silent settlement consumer keeps its partitions (and a restart waits to rejoin). */
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
    /** `transaction.timeout.ms` of settlement's producers (see the ledger's setting of that name). */
    KAFKA_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(900_000).default(30_000),
    /** Partitions whose batches settlement handles at the same time (each holds a database connection). */
    PARTITIONS_CONSUMED_CONCURRENTLY: z.coerce.number().int().min(1).max(100).default(6),
    /** Settlement's delivery guarantee (see `DeliveryGuarantee`); other values are for labs. */
    DELIVERY_GUARANTEE: z.enum(deliveryGuarantees).default('exactly-once'),
    RELAY_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
    /** A transfer pending for longer counts in `payments_transfers_pending_over_threshold`. */
    PENDING_ALERT_AFTER_SECONDS: z.coerce.number().int().min(1).max(604_800).default(60),
    /**
     * Outbox rows waiting this long while the relay's read finds nothing (an older transaction
     * still running in the cluster holds them back): the relay names that transaction.
     */
    RELAY_STALL_THRESHOLD_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    /** How often a standby relay (another instance holds the lease) tries to take the lease. */
    RELAY_LEASE_RETRY_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    /**
     * How long the lease outlives a holder that stopped answering (a frozen process, a vanished
     * host) before the database ends its session; a dead process's lease ends at once.
     */
    RELAY_LEASE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(10_000),
  })
  // A transaction takes full batches for up to the commit interval, then sends and commits: a
  // timeout below that would abort every transaction under a backlog.
  .refine((env) => env.RELAY_TRANSACTION_TIMEOUT_MS > 2 * env.RELAY_COMMIT_INTERVAL_MS, {
    path: ['RELAY_TRANSACTION_TIMEOUT_MS'],
    message: 'must be more than twice RELAY_COMMIT_INTERVAL_MS',
  })
  // A standby's lease session has the same idle bound: its polls must come sooner.
  .refine((env) => env.RELAY_LEASE_RETRY_MS * 2 <= env.RELAY_LEASE_TIMEOUT_MS, {
    path: ['RELAY_LEASE_RETRY_MS'],
    message: 'must be at most half of RELAY_LEASE_TIMEOUT_MS',
  })
  .superRefine(checkReplication)
  .superRefine((env, ctx) => void kafkaSaslOf(env, ctx))
  .transform((env) => ({
    port: env.PORT,
    managementPort: env.MANAGEMENT_PORT,
    databaseUrl: env.DATABASE_URL,
    databaseMigrationUrl: env.DATABASE_MIGRATION_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseIdleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    kafkaBrokers: env.KAFKA_BROKERS,
    kafkaSasl: kafkaSaslOf(env),
    kafkaClient: env.KAFKA_CLIENT,
    /** API key → client id. */
    apiKeys: env.API_KEYS,
    /** Admin key → admin name. */
    adminApiKeys: env.ADMIN_API_KEYS ?? new Map<string, string>(),
    ledger: {
      url: env.LEDGER_URL.replace(/\/+$/, ''),
      apiToken: env.LEDGER_API_TOKEN,
      timeoutMs: env.LEDGER_TIMEOUT_MS,
    },
    rateLimit: { requests: env.RATE_LIMIT_REQUESTS, windowMs: env.RATE_LIMIT_WINDOW_MS },
    topicPartitions: env.TOPIC_PARTITIONS,
    topicReplication: {
      replicationFactor: env.TOPIC_REPLICATION_FACTOR,
      minInsyncReplicas: env.TOPIC_MIN_INSYNC_REPLICAS,
    },
    topics: {
      transferRequested: env.TOPIC_TRANSFER_REQUESTED,
      transferResults: env.TOPIC_TRANSFER_RESULTS,
    },
    settlement: {
      enabled: env.SETTLEMENT_ENABLED,
      consumerGroup: env.SETTLEMENT_CONSUMER_GROUP,
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      transactionTimeoutMs: env.KAFKA_TRANSACTION_TIMEOUT_MS,
      instanceId: env.KAFKA_INSTANCE_ID,
      guarantee: env.DELIVERY_GUARANTEE,
      partitionsConcurrently: env.PARTITIONS_CONSUMED_CONCURRENTLY,
    },
    relay: {
      mode: env.RELAY_MODE,
      transactionalId: env.RELAY_TRANSACTIONAL_ID,
      positionTopic: env.RELAY_POSITION_TOPIC,
      batchSize: env.RELAY_BATCH_SIZE,
      commitIntervalMs: env.RELAY_COMMIT_INTERVAL_MS,
      transactionTimeoutMs: env.RELAY_TRANSACTION_TIMEOUT_MS,
      pollIntervalMs: env.RELAY_POLL_INTERVAL_MS,
      stallThresholdMs: env.RELAY_STALL_THRESHOLD_MS,
      leaseRetryMs: env.RELAY_LEASE_RETRY_MS,
      leaseTimeoutMs: env.RELAY_LEASE_TIMEOUT_MS,
    },
    metrics: {
      pendingAlertAfterSeconds: env.PENDING_ALERT_AFTER_SECONDS,
    },
  }));

export type PaymentsConfig = z.output<typeof paymentsEnvSchema>;

export const paymentsConfig = registerAs('payments', (): PaymentsConfig =>
  loadConfig(paymentsEnvSchema),
);
