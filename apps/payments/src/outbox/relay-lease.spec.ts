import { leaseKey } from './relay-lease.js';

describe('leaseKey', () => {
  it('is a signed 64-bit integer, the same for the same transactional id everywhere', () => {
    const key = BigInt(leaseKey('payments-outbox-relay'));
    expect(key).toBe(BigInt.asIntN(64, key));
    // Fixed (sha256 of 'payments-outbox-relay:<id>', computed apart): every replica, of every
    // version, must lock the same key.
    expect(leaseKey('payments-outbox-relay')).toBe('-7914734666337381575');
  });

  it('differs between transactional ids', () => {
    expect(leaseKey('relay-a')).not.toBe(leaseKey('relay-b'));
  });
});
