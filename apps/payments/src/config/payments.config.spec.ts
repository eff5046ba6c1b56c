import { ConfigError, loadConfig } from '#config';
import { paymentsEnvSchema } from './payments.config.js';

const API_KEYS = 'test:0123456789abcdef';

describe('payments config: relay transaction timeout', () => {
  it('defaults to 30 s', () => {
    expect(loadConfig(paymentsEnvSchema, { API_KEYS }).relay.transactionTimeoutMs).toBe(30_000);
  });

  it('refuses a timeout a transaction under a backlog could reach', () => {
    const env = {
      API_KEYS,
      RELAY_COMMIT_INTERVAL_MS: '2000',
      RELAY_TRANSACTION_TIMEOUT_MS: '4000',
    };
    expect(() => loadConfig(paymentsEnvSchema, env)).toThrow(/RELAY_TRANSACTION_TIMEOUT_MS/);
  });

  it('refuses one below a second', () => {
    expect(() =>
      loadConfig(paymentsEnvSchema, { API_KEYS, RELAY_TRANSACTION_TIMEOUT_MS: '500' }),
    ).toThrow(ConfigError);
  });
});

describe('payments config: relay lease', () => {
  it('defaults to a poll every second and a 10 s lease', () => {
    const { relay } = loadConfig(paymentsEnvSchema, { API_KEYS });
    expect([relay.leaseRetryMs, relay.leaseTimeoutMs]).toEqual([1_000, 10_000]);
  });

  it('refuses standby polls too slow for the lease session idle bound', () => {
    const env = { API_KEYS, RELAY_LEASE_RETRY_MS: '6000', RELAY_LEASE_TIMEOUT_MS: '10000' };
    expect(() => loadConfig(paymentsEnvSchema, env)).toThrow(/RELAY_LEASE_RETRY_MS/);
  });
});
