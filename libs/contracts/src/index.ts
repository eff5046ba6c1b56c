export * from './transfer-requested.event.js';
export * from './event-headers.js';
export * from './topics.js';
