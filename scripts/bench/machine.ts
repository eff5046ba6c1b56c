import { cpus, platform, release, totalmem } from 'node:os';
import { onServer } from './bench-database.js';

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  kafka: string;
  postgres: string;
}

export async function describeMachine(kafkaVersion: string, databaseUrl: string): Promise<Machine> {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    kafka: kafkaVersion,
    postgres: (await onServer(databaseUrl, 'show server_version')) ?? 'unknown',
  };
}
