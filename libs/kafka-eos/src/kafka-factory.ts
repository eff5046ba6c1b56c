import type { KafkaClient, KafkaClientName, SaslCredentials } from './client/kafka-client.js';
import { ConfluentClient } from './client/confluent/confluent-client.js';
import { KafkajsClient } from './client/kafkajs/kafkajs-client.js';
import type { EosLogger } from './logger.js';

export type { EosLogger };

export interface CreateKafkaClientOptions {
  /** The client library (KAFKA_CLIENT; default kafkajs). */
  library?: KafkaClientName;
  /** Names the app's connections in the brokers' logs and quotas. */
  clientId: string;
  brokers: string[];
  /** Where the library's own log goes. */
  logger: EosLogger;
  /** This service's principal on a SASL listener (KAFKA_SASL_USERNAME / _PASSWORD). */
  sasl?: SaslCredentials;
}

/**
 * The Kafka client port on the chosen library. A client is a factory: its consumers, producers and
 * admins hold their own connections. Throws when the library is not usable as installed (e.g. an
 * unpatched kafkajs).
 */
export function createKafkaClient(options: CreateKafkaClientOptions): KafkaClient {
  switch (options.library ?? 'kafkajs') {
    case 'kafkajs':
      return new KafkajsClient(options);
    case 'confluent':
      return new ConfluentClient(options);
  }
}
