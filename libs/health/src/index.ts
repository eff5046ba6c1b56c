export * from './dependency-checks.js';
export * from './readiness.js';
