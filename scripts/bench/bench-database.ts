import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { paymentsDataSourceOptions } from '../../apps/payments/src/persistence/payments-data-source.js';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh payments database on the run's server, migrated the way the service migrates it. */
export async function freshPaymentsDatabase(
  serverUrl: string,
  label: string,
): Promise<BenchDatabase> {
  const name = `eos_bench_${label}_${randomBytes(4).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await onServer(serverUrl, `create database "${name}"`);
  const dataSource = new DataSource(paymentsDataSourceOptions(url.toString(), 1));
  await dataSource.initialize();
  await dataSource.destroy();
  return {
    url: url.toString(),
    drop: async () => {
      await onServer(serverUrl, `drop database if exists "${name}" with (force)`);
    },
  };
}

export async function onServer(serverUrl: string, sql: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const result = await client.query<Record<string, string>>(sql);
    const first = result.rows[0];
    return first ? Object.values(first)[0] : undefined;
  } finally {
    await client.end();
  }
}
