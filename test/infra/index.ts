export { waitFor, type WaitForOptions } from './wait-for.js';
export {
  createTestDatabase,
  createServiceRoles,
  assertTestDatabase,
  type ServiceRoles,
  type TestDatabase,
} from './postgres.js';
export { pinnedVersions, repoRoot } from './repo-root.js';
export { startInfra, type RunningInfra } from './start-infra.js';
export {
  LocalKafkaCluster,
  fetchKafka,
  fetchKafkaStreams,
  kafkaLibDir,
  type KafkaSaslSetup,
} from './local-kafka.js';
export { LocalPostgres } from './local-postgres.js';
export { freePort } from './free-port.js';
export { uniqueName } from './unique-name.js';
export { KafkaFaultProxy, KafkaApiKey } from './kafka-fault-proxy.js';
