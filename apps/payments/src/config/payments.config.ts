import { registerAs } from '@nestjs/config';
import { z } from 'zod';
import { databaseUrlSchema, kafkaBrokersSchema, loadConfig, portSchema } from '#config';

/**
 * Every setting of the payments service, read from the environment once at start-up.
 * Documented defaults fit the local demo; see the configuration table in docs/.
 */
export const paymentsEnvSchema = z
  .object({
    PORT: portSchema.default(3000),
    DATABASE_URL: databaseUrlSchema.default('postgres://postgres@127.0.0.1:5432/payments'),
    KAFKA_BROKERS: kafkaBrokersSchema.default(['127.0.0.1:9092']),
  })
  .transform((env) => ({
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    kafkaBrokers: env.KAFKA_BROKERS,
  }));

export type PaymentsConfig = z.output<typeof paymentsEnvSchema>;

export const paymentsConfig = registerAs('payments', (): PaymentsConfig =>
  loadConfig(paymentsEnvSchema),
);
