import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import { assertKafkajsPatched } from './kafkajs-patches.js';

export interface EosLogger {
  log(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/**
 * A kafkajs client whose log goes to `logger`. kafkajs logs errors it is about to retry at
 * ERROR level (e.g. CONCURRENT_TRANSACTIONS right after a commit); those reach `warn`.
 * Throws if the installed kafkajs lacks the project's patches (see kafkajs-patches.ts).
 */
export function createKafka(options: {
  clientId: string;
  brokers: string[];
  logger: EosLogger;
  /** This service's principal on a SASL listener (KAFKA_SASL_USERNAME / _PASSWORD). */
  sasl?: SASLOptions;
}): Kafka {
  assertKafkajsPatched();
  const { logger } = options;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...(options.sasl && { sasl: options.sasl }),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        (level <= logLevel.ERROR ? logger.warn : logger.log).call(
          logger,
          `kafkajs: ${message}`,
          rest,
        );
      },
  });
}
