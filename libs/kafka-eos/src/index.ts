export * from './errors.js';
export * from './transactional-producer.js';
export * from './kafka-factory.js';
export * from './ensure-topics.js';
export { crashPoint } from './crash-point.js';
export { backoffMs, delay } from './backoff.js';
