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

describe('ledger config: KAFKA_INSTANCE_ID', () => {
  it('is absent unless set (a random id per start), and passed on when set', () => {
    expect(loadConfig(ledgerEnvSchema, required).posting.instanceId).toBeUndefined();
    const env = { ...required, KAFKA_INSTANCE_ID: 'ledger-0.eu_1' };
    expect(loadConfig(ledgerEnvSchema, env).posting.instanceId).toBe('ledger-0.eu_1');
  });

  it('rejects what a transactional id should not hold', () => {
    for (const id of ['', 'a b', 'x'.repeat(101), 'pod/0'])
      expect(() => loadConfig(ledgerEnvSchema, { ...required, KAFKA_INSTANCE_ID: id })).toThrow(
        ConfigError,
      );
  });
});
