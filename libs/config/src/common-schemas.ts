import { z } from 'zod';

/** `host:port[,host:port...]` → list of brokers. */
export const kafkaBrokersSchema = z
  .string()
  .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'expected host:port[,host:port...]')
  .transform((s) => s.split(','));

export const databaseUrlSchema = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL');

export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;

/**
 * PostgreSQL's `idle_in_transaction_session_timeout` for a service's connections, in ms (0: off).
 * A process frozen inside a transaction (a long GC pause, a stopped VM, SIGSTOP) keeps its row
 * locks and holds back every other instance waiting for them, and the relay's commit-order
 * horizon with them. The server ends such a session after this long, which releases them; the
 * frozen process finds its connection gone when it resumes and does the work again. Every
 * transaction of these services is a few statements with no other wait inside it.
 */
export const idleInTransactionTimeoutSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(3_600_000)
  .default(DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS);

/**
 * node-postgres connection options (TypeORM's `extra`) that set the timeout as a startup
 * parameter of each connection; 0 leaves the server's own setting.
 */
export function sessionTimeoutOptions(
  idleInTransactionTimeoutMs = DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
): { idle_in_transaction_session_timeout?: number } {
  return idleInTransactionTimeoutMs > 0
    ? { idle_in_transaction_session_timeout: idleInTransactionTimeoutMs }
    : {};
}

export const portSchema = z.coerce.number().int().min(0).max(65_535);

/** A replica count for topics a service creates: a number, or `auto` (from the cluster's size). */
export const replicasSchema = z
  .union([z.literal('auto'), z.coerce.number().int().min(1).max(16)])
  .default('auto');

/** `min.insync.replicas` cannot exceed the replication factor: no write could ever succeed. */
export function checkReplication(
  env: { TOPIC_REPLICATION_FACTOR: number | 'auto'; TOPIC_MIN_INSYNC_REPLICAS: number | 'auto' },
  ctx: z.RefinementCtx,
): void {
  const { TOPIC_REPLICATION_FACTOR: rf, TOPIC_MIN_INSYNC_REPLICAS: isr } = env;
  if (typeof rf === 'number' && typeof isr === 'number' && isr > rf) {
    ctx.addIssue({
      code: 'custom',
      path: ['TOPIC_MIN_INSYNC_REPLICAS'],
      message: `must not exceed TOPIC_REPLICATION_FACTOR (${rf})`,
    });
  }
}

/**
 * The token one service presents to another's internal HTTP API (`Authorization: Bearer`).
 * No default: a deployment generates its own (the demo writes one to a git-ignored file).
 */
export const serviceTokenSchema = z
  .string()
  .regex(/^[\x21-\x7e]{32,}$/, 'must be 32 or more printable ASCII characters, no spaces');

/**
 * SASL/SCRAM-SHA-512 credentials of this service's own Kafka principal (both, or neither for a
 * PLAINTEXT broker). One principal per service, so the broker's ACLs say what each may do.
 */
export const kafkaSaslEnv = {
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
};

export interface KafkaSasl {
  mechanism: 'scram-sha-512';
  username: string;
  password: string;
}

/** The credentials, when both are set; an issue when only one is. */
export function kafkaSaslOf(
  env: { KAFKA_SASL_USERNAME?: string; KAFKA_SASL_PASSWORD?: string },
  ctx?: z.RefinementCtx,
): KafkaSasl | undefined {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  if (username !== undefined && password !== undefined) {
    return { mechanism: 'scram-sha-512', username, password };
  }
  if ((username === undefined) !== (password === undefined)) {
    ctx?.addIssue({
      code: 'custom',
      path: [username === undefined ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD'],
      message: 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together',
    });
  }
  return undefined;
}
