import { parseLabOptions } from './lab-options.js';
import { makeWorkload } from './workload.js';

describe('parseLabOptions', () => {
  it('has defaults for CI and reads each option', () => {
    expect(parseLabOptions([])).toEqual({
      seed: 1,
      messages: 200,
      faults: 2,
      systems: ['rabbitmq', 'jetstream', 'kafka'],
    });
    expect(
      parseLabOptions(['--seed', '7', '--messages', '30', '--faults', '3', '--systems', 'kafka']),
    ).toEqual({ seed: 7, messages: 30, faults: 3, systems: ['kafka'] });
  });

  it('refuses what it does not know, with the usage line', () => {
    expect(() => parseLabOptions(['--seed', 'x'])).toThrow(/--seed must be an integer.*\nusage/);
    expect(() => parseLabOptions(['--messages', '5'])).toThrow(/--messages must be/);
    expect(() => parseLabOptions(['--faults', '0'])).toThrow(/--faults must be/);
    expect(() => parseLabOptions(['--messages', '30', '--faults', '11'])).toThrow(/a third/);
    expect(() => parseLabOptions(['--systems', 'kafka,mqtt'])).toThrow(/unknown system mqtt/);
    expect(() => parseLabOptions(['--bogus'])).toThrow();
  });
});

describe('makeWorkload', () => {
  it('numbers the messages and places the faults by the seed, away from both ends', () => {
    const workload = makeWorkload(7, 50, 2);
    expect(workload.ids).toHaveLength(50);
    expect(new Set(workload.ids).size).toBe(50);
    expect(workload.faultIds.size).toBe(2);
    for (const id of workload.faultIds) {
      const index = workload.ids.indexOf(id);
      expect(index).toBeGreaterThanOrEqual(5);
      expect(index).toBeLessThan(45);
    }
    expect(makeWorkload(7, 50, 2).faultIds).toEqual(workload.faultIds);
    expect(makeWorkload(8, 50, 2).faultIds).not.toEqual(workload.faultIds);
  });
});
