export { loadConfig, ConfigError } from './load-config.js';
export {
  kafkaBrokersSchema,
  databaseUrlSchema,
  idleInTransactionTimeoutSchema,
  sessionTimeoutOptions,
  portSchema,
  replicasSchema,
  checkReplication,
  serviceTokenSchema,
  kafkaSaslEnv,
  kafkaSaslOf,
  type KafkaSasl,
} from './common-schemas.js';
export { secretMatcher, bearerCredential } from './secret-matcher.js';
export { migrateAsOwner } from './migrate-as-owner.js';
