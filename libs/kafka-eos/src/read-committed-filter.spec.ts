import { assertReadCommittedFilter } from './read-committed-filter.js';

describe('assertReadCommittedFilter', () => {
  it('accepts the installed kafkajs, patched by postinstall', () => {
    expect(() => assertReadCommittedFilter()).not.toThrow();
  });
});
