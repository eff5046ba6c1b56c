import type { z } from 'zod';
import { PoisonRecordError } from './records.js';

/**
 * Parses a record value as JSON and checks it against `schema`. A value that is not JSON or does
 * not match can never be processed: it is a poison record, for the dead-letter topic.
 */
export function decodeJsonRecord<S extends z.ZodType>(
  value: Buffer | null,
  schema: S,
  what: string,
): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString('utf8') ?? '');
  } catch (error) {
    throw new PoisonRecordError('value is not JSON', { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`);
  throw new PoisonRecordError(`not a ${what}: ${problems.join('; ')}`);
}
