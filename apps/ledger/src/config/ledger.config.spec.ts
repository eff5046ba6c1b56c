import { ConfigError, loadConfig } from '#config';
import { ledgerEnvSchema } from './ledger.config.js';

const required = { LEDGER_API_TOKEN: 'a-ledger-token-of-32-characters-0' };

describe('ledger config: DELIVERY_GUARANTEE', () => {
  it('defaults to exactly-once', () => {
    expect(loadConfig(ledgerEnvSchema, required).posting.guarantee).toBe('exactly-once');
  });

  it('accepts the weaker guarantees for labs', () => {
    for (const guarantee of ['at-least-once', 'at-most-once'] as const)
      expect(
        loadConfig(ledgerEnvSchema, { ...required, DELIVERY_GUARANTEE: guarantee }).posting
          .guarantee,
      ).toBe(guarantee);
  });

  it('rejects anything else', () => {
    expect(() => loadConfig(ledgerEnvSchema, { ...required, DELIVERY_GUARANTEE: 'once' })).toThrow(
      ConfigError,
    );
  });
});
