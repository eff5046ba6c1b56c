import {
  createKafkaClient,
  kafkaClientNames,
  type KafkaClient,
  type KafkaClientName,
  type SaslCredentials,
} from '#kafka-eos';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The client library the tests run the product's Kafka code on: KAFKA_CLIENT, default kafkajs. */
export function libraryUnderTest(): KafkaClientName {
  const name = process.env.KAFKA_CLIENT ?? 'kafkajs';
  const known: readonly string[] = kafkaClientNames;
  if (!known.includes(name))
    throw new Error(`KAFKA_CLIENT=${name}: not one of ${known.join(', ')}`);
  return name as KafkaClientName;
}

/**
 * The Kafka client port, on the library under test, for product code a test calls directly
 * (`ensureTopics`, `TransactionalProducer`, ...). What a test reads and writes for itself goes
 * through kafkajs or Kafka's own tools, independent of the port.
 */
export function clientUnderTest(
  brokers: string[] = (process.env.KAFKA_BROKERS ?? '').split(','),
  options: { clientId?: string; sasl?: SaslCredentials } = {},
): KafkaClient {
  return createKafkaClient({
    library: libraryUnderTest(),
    clientId: options.clientId ?? 'test',
    brokers,
    logger: quiet,
    sasl: options.sasl,
  });
}
