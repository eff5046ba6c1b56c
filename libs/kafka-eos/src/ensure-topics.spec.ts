import { replicationFor } from './ensure-topics.js';

describe('replicationFor', () => {
  it.each([
    [1, 1, 1],
    [2, 2, 1],
    [3, 3, 2],
    [5, 3, 2],
  ])('auto on %d broker(s): replication factor %d, min.insync.replicas %d', (brokers, rf, isr) => {
    expect(
      replicationFor(brokers, { replicationFactor: 'auto', minInsyncReplicas: 'auto' }),
    ).toEqual({
      replicationFactor: rf,
      minInsyncReplicas: isr,
    });
  });

  it('takes explicit numbers as they are', () => {
    expect(replicationFor(1, { replicationFactor: 3, minInsyncReplicas: 2 })).toEqual({
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
    expect(replicationFor(5, { replicationFactor: 4, minInsyncReplicas: 'auto' })).toEqual({
      replicationFactor: 4,
      minInsyncReplicas: 2,
    });
  });
});
