export { loadConfig, ConfigError } from './load-config.js';
export {
  kafkaBrokersSchema,
  databaseUrlSchema,
  idleInTransactionTimeoutSchema,
  portSchema,
  replicasSchema,
  checkReplication,
} from './common-schemas.js';
