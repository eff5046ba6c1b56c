import { readdirSync, readFileSync } from 'node:fs';
import { cpuPer, sampleCpu } from './cpu.js';

describe('CPU samples from /proc', () => {
  // Node 24 names its main thread, hence the process, MainThread: take the name /proc gives.
  const command = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();

  it("count this process's CPU time, and processes by command name", () => {
    const targets = {
      services: { self: process.pid, gone: 2 ** 22 + 1 },
      byCommand: { same: command },
    };
    const before = sampleCpu(targets);
    const until = performance.now() + 300;
    while (performance.now() < until); // busy: CPU time, not waiting
    const per = cpuPer(before, sampleCpu(targets), 2);
    expect(per.self).toBeGreaterThan(0.05); // of 0.15 s per unit, less when the machine is busy
    // This process is among them. Each sample reads self before same, so the two readings of this
    // process may straddle a clock tick (0.01 s): allow that one tick. Compare whole ticks, as the
    // seconds are sums and differences of binary fractions (0.16499999999999204 for 0.165).
    const ticks = (seconds = 0) => Math.round(seconds * 2 * 100);
    expect(ticks(per.same)).toBeGreaterThanOrEqual(ticks(per.self) - 1);
    expect(per.gone).toBe(0); // a pid that does not exist counts nothing
  });

  it('split named threads out of a command, thread by thread, leaving it the rest', () => {
    const targets = {
      services: { self: process.pid },
      byCommand: { same: command },
      threads: { v8: { command, thread: /^V8Worker/ } },
    };
    const before = sampleCpu(targets);
    // V8's worker threads go to their split; the main thread (its id is the pid) stays.
    expect(before.v8?.size).toBeGreaterThan(0);
    expect(before.v8?.has(process.pid)).toBe(false);
    expect(before.same?.has(process.pid)).toBe(true);
    const until = performance.now() + 300;
    while (performance.now() < until); // busy on the main thread
    const after = sampleCpu(targets);
    // Other processes may share this name (jest's workers): count this process's threads only.
    const own = new Set(readdirSync('/proc/self/task').map(Number));
    const ticks = (name: string): number => {
      let seconds = 0;
      for (const [tid, end] of after[name] ?? []) {
        if (name === 'self' || own.has(tid)) seconds += end - (before[name]?.get(tid) ?? 0);
      }
      return Math.round(seconds * 100);
    };
    expect(ticks('same')).toBeGreaterThan(ticks('v8'));
    // Together, the whole process, give or take the ticks that fall between reading the
    // process and reading its threads.
    expect(Math.abs(ticks('same') + ticks('v8') - ticks('self'))).toBeLessThanOrEqual(2);
  });

  it('take nothing away for a process that exited between the samples, and count a new one whole', () => {
    const before = {
      postgresql: new Map([
        [10, 5],
        [11, 2.5],
      ]),
    };
    // 11 exited; 10 used 0.25 s more; 12 started and used 0.5 s.
    const after = {
      postgresql: new Map([
        [10, 5.25],
        [12, 0.5],
      ]),
    };
    expect(cpuPer(before, after, 1).postgresql).toBeCloseTo(0.75, 9);
  });
});
