/**
 * The Kafka set-up job, run once before the services (docker-compose.yml's `kafka-setup`, the
 * demo): creates the pipeline's topics and grants each service's principal what it needs and no
 * more (service-access.ts). Runs as a super user; the services themselves cannot create topics.
 */
import { KafkajsClient } from '#kafka-eos';
import { createLogger } from '#logging';
import { loadKafkaSetupConfig } from './kafka-setup.config.js';
import { setUpPipelineKafka } from './service-access.js';

async function main(): Promise<void> {
  const logger = createLogger('kafka-setup');
  const config = loadKafkaSetupConfig();
  const kafka = new KafkajsClient({
    clientId: 'kafka-setup',
    brokers: config.kafkaBrokers,
    logger,
    sasl: config.kafkaSasl,
  });
  const done = await setUpPipelineKafka(kafka, config);
  logger.log(
    `${done.topics} topics and ${done.acls} ACLs in place for ${Object.values(config.principals).join(', ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
