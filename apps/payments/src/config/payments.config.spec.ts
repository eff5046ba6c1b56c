import { ConfigError, loadConfig } from '#config';
import { paymentsEnvSchema } from './payments.config.js';

const required = {
  API_KEYS: 'demo:0123456789abcdef',
  LEDGER_API_TOKEN: 'a-ledger-token-of-32-characters-0',
};

describe('payments config: PENDING_ALERT_AFTER_SECONDS', () => {
  it('defaults to 60 seconds', () => {
    expect(loadConfig(paymentsEnvSchema, required).metrics.pendingAlertAfterSeconds).toBe(60);
  });

  it('accepts a whole number of seconds', () => {
    const env = { ...required, PENDING_ALERT_AFTER_SECONDS: '300' };
    expect(loadConfig(paymentsEnvSchema, env).metrics.pendingAlertAfterSeconds).toBe(300);
  });

  it.each(['0', '-1', '1.5', 'soon', '', '604801'])('rejects %j', (value) => {
    const env = { ...required, PENDING_ALERT_AFTER_SECONDS: value };
    expect(() => loadConfig(paymentsEnvSchema, env)).toThrow(/PENDING_ALERT_AFTER_SECONDS/);
    expect(() => loadConfig(paymentsEnvSchema, env)).toThrow(ConfigError);
  });
});

describe('payments config: relay transaction timeout', () => {
  it('defaults to 30 s', () => {
    expect(loadConfig(paymentsEnvSchema, required).relay.transactionTimeoutMs).toBe(30_000);
  });

  it('refuses a timeout a transaction under a backlog could reach', () => {
    const env = {
      ...required,
      RELAY_COMMIT_INTERVAL_MS: '2000',
      RELAY_TRANSACTION_TIMEOUT_MS: '4000',
    };
    expect(() => loadConfig(paymentsEnvSchema, env)).toThrow(/RELAY_TRANSACTION_TIMEOUT_MS/);
  });

  it('refuses one below a second', () => {
    expect(() =>
      loadConfig(paymentsEnvSchema, { ...required, RELAY_TRANSACTION_TIMEOUT_MS: '500' }),
    ).toThrow(ConfigError);
  });
});

describe('payments config: relay lease', () => {
  it('defaults to a poll every second and a 10 s lease', () => {
    const { relay } = loadConfig(paymentsEnvSchema, required);
    expect([relay.leaseRetryMs, relay.leaseTimeoutMs]).toEqual([1_000, 10_000]);
  });

  it('refuses standby polls too slow for the lease session idle bound', () => {
    const env = { ...required, RELAY_LEASE_RETRY_MS: '6000', RELAY_LEASE_TIMEOUT_MS: '10000' };
    expect(() => loadConfig(paymentsEnvSchema, env)).toThrow(/RELAY_LEASE_RETRY_MS/);
  });
});

describe('payments config: credentials', () => {
  it.each(['short', 'has spaces in a token of 32 characters'])('refuses the token %j', (token) => {
    expect(() => loadConfig(paymentsEnvSchema, { ...required, LEDGER_API_TOKEN: token })).toThrow(
      /LEDGER_API_TOKEN/,
    );
  });

  it('has no admin key unless ADMIN_API_KEYS names some', () => {
    expect(loadConfig(paymentsEnvSchema, required).adminApiKeys.size).toBe(0);
    const env = { ...required, ADMIN_API_KEYS: 'ops:0123456789abcdef-admin' };
    expect([...loadConfig(paymentsEnvSchema, env).adminApiKeys]).toEqual([
      ['0123456789abcdef-admin', 'ops'],
    ]);
  });
});

describe('payments config: Kafka SASL', () => {
  it('connects without SASL unless both credentials are set', () => {
    expect(loadConfig(paymentsEnvSchema, required).kafkaSasl).toBeUndefined();
    const env = { ...required, KAFKA_SASL_USERNAME: 'payments', KAFKA_SASL_PASSWORD: 'secret' };
    expect(loadConfig(paymentsEnvSchema, env).kafkaSasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'payments',
      password: 'secret',
    });
  });

  it.each(['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'])('refuses %s alone', (name) => {
    expect(() => loadConfig(paymentsEnvSchema, { ...required, [name]: 'x' })).toThrow(
      /KAFKA_SASL_(USERNAME|PASSWORD)/,
    );
  });
});
