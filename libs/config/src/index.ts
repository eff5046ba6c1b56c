export { loadConfig, ConfigError } from './load-config.js';
export {
  kafkaBrokersSchema,
  databaseUrlSchema,
  idleInTransactionTimeoutSchema,
  sessionTimeoutOptions,
  portSchema,
  replicasSchema,
  checkReplication,
} from './common-schemas.js';
