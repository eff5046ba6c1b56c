import { z } from 'zod';

/** `host:port[,host:port...]` → list of brokers. */
export const kafkaBrokersSchema = z
  .string()
  .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'expected host:port[,host:port...]')
  .transform((s) => s.split(','));

export const databaseUrlSchema = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL');

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
