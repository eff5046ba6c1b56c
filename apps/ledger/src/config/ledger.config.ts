import { registerAs } from '@nestjs/config';
import { z } from 'zod';
import { databaseUrlSchema, kafkaBrokersSchema, loadConfig, portSchema } from '#config';

/** Every setting of the ledger service, read from the environment once at start-up. */
export const ledgerEnvSchema = z
  .object({
    PORT: portSchema.default(3001),
    DATABASE_URL: databaseUrlSchema.default('postgres://postgres@127.0.0.1:5432/ledger'),
    KAFKA_BROKERS: kafkaBrokersSchema.default(['127.0.0.1:9092']),
  })
  .transform((env) => ({
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    kafkaBrokers: env.KAFKA_BROKERS,
  }));

export type LedgerConfig = z.output<typeof ledgerEnvSchema>;

export const ledgerConfig = registerAs('ledger', (): LedgerConfig => loadConfig(ledgerEnvSchema));
