export * from './client/kafka-client.js';
export { KafkajsClient } from './client/kafkajs/kafkajs-client.js';
export type { EosLogger } from './logger.js';
export * from './errors.js';
export * from './transactional-producer.js';
export * from './kafka-factory.js';
export * from './committed-offset.js';
export * from './ensure-topics.js';
export { crashPoint } from './crash-point.js';
export { backoffMs, delay } from './backoff.js';
export * from './records.js';
export * from './dead-letter.js';
export * from './processor/record-processor.js';
export * from './processor/processor-options.js';
export type {
  HandlerContext,
  RecordsHandler,
  DeadLetterAnswer,
} from './processor/handle-records.js';
export * from './transport/kafka-eos.server.js';
export * from './transport/kafka-eos.context.js';
export * from './transport/kafka-eos.exception-filter.js';
export * from './delivery-guarantee.js';
export * from './dependency-errors.js';
export * from './decode-json-record.js';
export * from './describe-kafka.js';
export * from './batch-bytes.js';
export * from './kafka-client.module.js';
