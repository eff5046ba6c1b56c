import { PaymentsMetrics } from '../metrics/payments-metrics.js';
import { RelayStatus } from './relay-state.js';

const metrics = new PaymentsMetrics();

async function gauge(): Promise<Record<string, number>> {
  const metric = await metrics.registry.getSingleMetric('relay_state')?.get();
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels.state), v.value]));
}

describe('RelayStatus', () => {
  it('moves through standby and active, and mirrors the state in the relay_state gauge', async () => {
    const status = new RelayStatus(metrics.relayState);
    expect(await gauge()).toEqual({ stopped: 1, standby: 0, active: 0, fenced: 0, failed: 0 });
    status.to('standby');
    status.to('active');
    expect(await gauge()).toEqual({ stopped: 0, standby: 0, active: 1, fenced: 0, failed: 0 });
    status.to('standby');
    status.to('active');
    status.to('fenced');
    expect(status.state).toBe('fenced');
  });

  it('refuses a transition the relay never makes', () => {
    const status = new RelayStatus(metrics.relayState);
    expect(() => status.to('active')).toThrow(/stopped cannot become active/);
    status.to('standby');
    expect(() => status.to('fenced')).toThrow(/standby cannot become fenced/);
    status.to('active');
    status.to('failed');
    expect(() => status.to('standby')).toThrow(/failed cannot become standby/);
  });
});
