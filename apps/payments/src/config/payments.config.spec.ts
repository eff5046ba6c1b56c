import { ConfigError, loadConfig } from '#config';
import { paymentsEnvSchema } from './payments.config.js';

const required = { API_KEYS: 'demo:0123456789abcdef' };

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
