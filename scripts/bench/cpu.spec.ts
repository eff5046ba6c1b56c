import { readFileSync } from 'node:fs';
import { cpuPer, sampleCpu } from './cpu.js';

describe('CPU samples from /proc', () => {
  it("count this process's CPU time, and processes by command name", () => {
    // Node 24 names its main thread, hence the process, MainThread: take the name /proc gives.
    const command = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
    const targets = {
      services: { self: process.pid, gone: 2 ** 22 + 1 },
      byCommand: { same: command },
    };
    const before = sampleCpu(targets);
    const until = performance.now() + 300;
    while (performance.now() < until); // busy: CPU time, not waiting
    const per = cpuPer(before, sampleCpu(targets), 2);
    expect(per.self).toBeGreaterThan(0.05); // of 0.15 s per unit, less when the machine is busy
    expect(per.same).toBeGreaterThanOrEqual(per.self ?? 0); // this process is among them
    expect(per.gone).toBe(0); // a pid that does not exist counts nothing
  });
});
