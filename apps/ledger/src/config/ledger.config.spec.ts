import { ConfigError, loadConfig } from '#config';
import { ledgerEnvSchema } from './ledger.config.js';

describe('ledger config: DELIVERY_GUARANTEE', () => {
  it('defaults to exactly-once', () => {
    expect(loadConfig(ledgerEnvSchema, {}).posting.guarantee).toBe('exactly-once');
  });

  it('accepts the weaker guarantees for labs', () => {
    for (const guarantee of ['at-least-once', 'at-most-once'] as const)
      expect(loadConfig(ledgerEnvSchema, { DELIVERY_GUARANTEE: guarantee }).posting.guarantee).toBe(
        guarantee,
      );
  });

  it('rejects anything else', () => {
    expect(() => loadConfig(ledgerEnvSchema, { DELIVERY_GUARANTEE: 'once' })).toThrow(ConfigError);
  });
});
