export * from './log-context.js';
export * from './json-logger.js';
export * from './tracing.js';
