export * from './dependency-checks.js';
export * from './readiness.js';
export * from './management-listener.js';
