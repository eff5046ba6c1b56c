import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; 100 per second on every common kernel build. */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds of a process so far (0 once it is gone), from /proc/<pid>/stat. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces: the fields that follow start after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The pids of every process whose command name is `name` (e.g. postgres, java). */
function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    });
}

/** What a CPU sample covers: named service processes, and every process with a command name. */
export interface CpuTargets {
  /** e.g. { payments: pid, relay: pid, ledger: pid } */
  services: Record<string, number | undefined>;
  /** e.g. { broker: 'java', postgresql: 'postgres' } */
  byCommand: Record<string, string>;
}

/** CPU seconds used so far by each target. */
export function sampleCpu(targets: CpuTargets): Record<string, number> {
  const sample: Record<string, number> = {};
  for (const [name, pid] of Object.entries(targets.services)) {
    sample[name] = pid === undefined ? 0 : processCpuSeconds(pid);
  }
  for (const [name, command] of Object.entries(targets.byCommand)) {
    sample[name] = pidsNamed(command).reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  }
  return sample;
}

/** CPU seconds each target used between two samples, per unit of work (e.g. per transfer). */
export function cpuPer(
  before: Record<string, number>,
  after: Record<string, number>,
  units: number,
): Record<string, number> {
  const per: Record<string, number> = {};
  for (const [name, end] of Object.entries(after)) per[name] = (end - (before[name] ?? 0)) / units;
  return per;
}
