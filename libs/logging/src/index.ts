export * from './log-context.js';
export * from './json-logger.js';
