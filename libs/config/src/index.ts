export { loadConfig, ConfigError } from './load-config.js';
export {
  kafkaBrokersSchema,
  databaseUrlSchema,
  portSchema,
  replicasSchema,
  checkReplication,
} from './common-schemas.js';
