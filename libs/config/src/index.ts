export { loadConfig, ConfigError } from './load-config.js';
export { kafkaBrokersSchema, databaseUrlSchema, portSchema } from './common-schemas.js';
