export * from './transfer-requested.event.js';
export * from './event-headers.js';
export * from './topics.js';
export * from './transfer-result.event.js';
export * from './amount.js';
export * from './currency-codes.js';
export * from './uuid.js';
export * from './fields.js';
