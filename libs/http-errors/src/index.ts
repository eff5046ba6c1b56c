export * from './error-codes.js';
export * from './error-body.js';
export * from './http-error.filter.js';
