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
