export * from './dependency-checks.js';
