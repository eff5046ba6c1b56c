import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { delay, type DeliveryGuarantee } from '#kafka-eos';
import { waitFor } from '#test-infra';
import { PIPELINE_API_KEY, PipelineFixture } from '../../test/pipeline/pipeline-fixture.js';
import { cpuPer, sampleCpu, type CpuTargets } from './cpu.js';
import type { Progress } from './progress.js';
import { runConcurrently } from './run-concurrently.js';
import { TransferClient } from './transfer-client.js';

export interface EndToEndLoad {
  /** Transfers posted as fast as `concurrency` clients can, timed from accept to settlement. */
  transfers: number;
  warmUpTransfers: number;
  concurrency: number;
  /**
   * The steady load for latency, in transfers per second, given this guarantee's throughput: the
   * caller fixes it at the first guarantee's call, so every guarantee gets the same load.
   */
  steadyRate: (settledPerSec: number) => number;
  steadySeconds: number;
}

export interface EndToEndResult {
  guarantee: DeliveryGuarantee;
  /** Transfers settled per second, from the first accept to the last settlement. */
  settledPerSec: number;
  /** Transfers per second offered in the latency phase. */
  steadyRate: number;
  /** At the steady rate: accept → completed, from the two timestamps payments stores. */
  latencyMs: { p50: number; p95: number; p99: number };
  /** At the steady rate, p50 of each leg: accept → posted in the ledger, posted → completed. */
  legsP50Ms: { toLedger: number; afterLedger: number };
  /** At the steady rate: outbox rows waiting and the age of the oldest, sampled every 100 ms. */
  relayLag: { maxRows: number; p99AgeMs: number; maxAgeMs: number };
  /** Transfers that ended other than completed (lost ones would never end: the wait fails). */
  notCompleted: number;
  /**
   * CPU milliseconds per settled transfer in the throughput phase, per process: payments (API
   * and settlement), relay, ledger, broker (every `java`, but its JIT compiler threads), broker
   * JIT (those threads), postgresql (every `postgres`).
   */
  cpuMsPerTransfer: Record<string, number>;
}

/** The broker's JIT compiler threads, in `cpuMsPerTransfer` but not in `totalCpuMs`. */
export const BROKER_JIT = 'broker JIT';

/** CPU ms per settled transfer of all processes but the broker's JIT compilers. */
export function totalCpuMs(result: EndToEndResult): number {
  return Object.entries(result.cpuMsPerTransfer)
    .filter(([name]) => name !== BROKER_JIT)
    .reduce((sum, [, ms]) => sum + ms, 0);
}

const ACCOUNTS = 20;
const FUNDS = 10n ** 15n;

/**
 * The whole pipeline as real processes (payments API, standalone relay, one ledger; settlement
 * in payments), with both consumers configured for `guarantee`, on fresh databases and topics:
 * 1. throughput: `transfers` posted by `concurrency` clients, until every one is settled;
 * 2. latency: `steadyRate` transfers/s offered for `steadySeconds` (an open loop: a send waits
 *    for its due time, not for earlier answers), each one's accept → completed time.
 */
export async function measureEndToEnd(
  guarantee: DeliveryGuarantee,
  load: EndToEndLoad,
  progress: Progress,
): Promise<EndToEndResult> {
  const fx = await PipelineFixture.create(`bench-${guarantee}`);
  const sql = new pg.Pool({ connectionString: fx.paymentsDb.url, max: 2 });
  const client = new TransferClient(PIPELINE_API_KEY, load.concurrency);
  try {
    const env = { DELIVERY_GUARANTEE: guarantee };
    const payments = await fx.startPayments({
      ...env,
      RELAY_MODE: 'off',
      DATABASE_POOL_SIZE: '16',
      RATE_LIMIT_REQUESTS: '0', // one bench client, far above the default limit
    });
    const relay = await fx.startRelay();
    const ledger = await fx.startLedger(env);
    const cpuTargets: CpuTargets = {
      services: {
        payments: payments.process.pid,
        relay: relay.process.pid,
        ledger: ledger.process.pid,
      },
      byCommand: { broker: 'java', postgresql: 'postgres' },
      // HotSpot's JIT compilers (threads C1/C2 CompilerThreadN) were still compiling the
      // broker's code minutes into a run, at up to 40 % of its CPU: start-up work that a broker
      // running for days has long done. Shown apart, and not in the total.
      threads: { [BROKER_JIT]: { command: 'java', thread: /^C\d CompilerThre/ } },
    };
    const accounts: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) accounts.push(await fx.openAccount(FUNDS));
    const post = async (index: number): Promise<string> => {
      const debit = accounts[index % ACCOUNTS] ?? '';
      const credit = accounts[(index * 7 + 1) % ACCOUNTS] ?? '';
      return client.post(
        payments.url,
        {
          debitAccountId: debit,
          creditAccountId: credit === debit ? (accounts[0] ?? '') : credit,
          amount: '1',
          currency: 'EUR',
        },
        randomUUID(),
      );
    };

    const warmUp: string[] = [];
    await runConcurrently(load.warmUpTransfers, load.concurrency, async (i) => {
      warmUp.push(await post(i));
    });
    await settled(sql, warmUp);

    const cpuBefore = sampleCpu(cpuTargets);
    const bar = progress.phase(`${guarantee}: throughput`, load.transfers);
    const burst: string[] = [];
    await runConcurrently(load.transfers, load.concurrency, async (i) => {
      burst.push(await post(i));
      bar.tick();
    });
    bar.done();
    await settled(sql, burst);
    const cpuMsPerTransfer = Object.fromEntries(
      Object.entries(cpuPer(cpuBefore, sampleCpu(cpuTargets), burst.length)).map(([name, sec]) => [
        name,
        sec * 1000,
      ]),
    );
    const span = await one<{ seconds: number }>(
      sql,
      `select extract(epoch from max(updated_at) - min(created_at))::float8 as seconds
         from transfers where id = any($1::uuid[])`,
      [burst],
    );

    const settledPerSec = burst.length / span.seconds;
    const steadyRate = load.steadyRate(settledPerSec);
    const steady: string[] = [];
    const count = Math.round(steadyRate * load.steadySeconds);
    const lag = sampleOutbox(sql);
    const steadyBar = progress.phase(`${guarantee}: steady ${steadyRate}/s`, count);
    await offerAtRate(steadyRate, count, async (i) => {
      steady.push(await post(i));
      steadyBar.tick();
    });
    steadyBar.done();
    await settled(sql, steady);
    const samples = await lag.stop();
    const latency = await one<{ p50: number; p95: number; p99: number; other: number }>(
      sql,
      `select percentile_cont(0.5) within group (order by ms) as p50,
              percentile_cont(0.95) within group (order by ms) as p95,
              percentile_cont(0.99) within group (order by ms) as p99,
              count(*) filter (where status <> 'completed')::int as other
         from (select status, extract(epoch from updated_at - created_at) * 1000 as ms
                 from transfers where id = any($1::uuid[])) t`,
      [steady],
    );
    const legsP50Ms = await legs(sql, fx.ledgerDb.url, steady);
    const notCompleted = await one<{ n: number }>(
      sql,
      `select count(*)::int as n from transfers where id = any($1::uuid[]) and status <> 'completed'`,
      [[...burst, ...steady]],
    );
    const ages = samples.map((s) => s.ageMs).sort((a, b) => a - b);
    return {
      guarantee,
      settledPerSec,
      steadyRate,
      latencyMs: { p50: latency.p50, p95: latency.p95, p99: latency.p99 },
      legsP50Ms,
      relayLag: {
        maxRows: Math.max(0, ...samples.map((s) => s.rows)),
        p99AgeMs: ages[Math.min(ages.length - 1, Math.floor(ages.length * 0.99))] ?? 0,
        maxAgeMs: ages.at(-1) ?? 0,
      },
      notCompleted: notCompleted.n,
      cpuMsPerTransfer,
    };
  } catch (error) {
    throw new Error(`end-to-end (${guarantee}) failed:\n${fx.logTails(10)}`, { cause: error });
  } finally {
    client.close();
    await sql.end();
    await fx.close();
  }
}

/**
 * Where the time goes: the ledger's posting time (its entries' created_at, the start of the
 * batch's database transaction) between payments' accept and settlement timestamps.
 */
async function legs(
  payments: pg.Pool,
  ledgerUrl: string,
  ids: string[],
): Promise<{ toLedger: number; afterLedger: number }> {
  const ledger = new pg.Client({ connectionString: ledgerUrl });
  await ledger.connect();
  try {
    const posted = new Map(
      (
        await ledger.query<{ id: string; at: Date }>(
          `select transfer_id as id, min(created_at) as at from entries
            where transfer_id = any($1::uuid[]) group by transfer_id`,
          [ids],
        )
      ).rows.map((r) => [r.id, r.at.getTime()]),
    );
    const { rows } = await payments.query<{ id: string; created: Date; updated: Date }>(
      `select id, created_at as created, updated_at as updated from transfers where id = any($1::uuid[])`,
      [ids],
    );
    const toLedger: number[] = [];
    const afterLedger: number[] = [];
    for (const r of rows) {
      const at = posted.get(r.id);
      if (at === undefined) continue;
      toLedger.push(at - r.created.getTime());
      afterLedger.push(r.updated.getTime() - at);
    }
    return { toLedger: median(toLedger), afterLedger: median(afterLedger) };
  } finally {
    await ledger.end();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Waits until payments has settled every transfer in `ids` (polls its database). */
async function settled(sql: pg.Pool, ids: string[]): Promise<void> {
  await waitFor(
    async () =>
      (
        await one<{ n: number }>(
          sql,
          `select count(*)::int as n from transfers where id = any($1::uuid[]) and status = 'pending'`,
          [ids],
        )
      ).n === 0,
    { description: `${ids.length} transfers to settle`, timeoutMs: 300_000, intervalMs: 100 },
  );
}

/** Starts `count` calls of `send`, the i-th at i / rate seconds, whether or not earlier ones answered. */
async function offerAtRate(
  rate: number,
  count: number,
  send: (index: number) => Promise<void>,
): Promise<void> {
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await delay(wait);
    const call: Promise<void> = send(i).finally(() => inFlight.delete(call));
    inFlight.add(call);
  }
  await Promise.all(inFlight);
}

/** Samples the outbox every 100 ms until stopped: rows waiting and the oldest one's age. */
function sampleOutbox(sql: pg.Pool): { stop(): Promise<Array<{ rows: number; ageMs: number }>> } {
  const samples: Array<{ rows: number; ageMs: number }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = await one<{ rows: number; ageMs: number }>(
        sql,
        `select count(*)::int as rows,
                coalesce(extract(epoch from clock_timestamp() - min(created_at)) * 1000, 0)::float8 as "ageMs"
           from outbox`,
      );
      samples.push(s);
      await delay(100);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

async function one<T extends pg.QueryResultRow>(
  sql: pg.Pool,
  text: string,
  values: unknown[] = [],
): Promise<T> {
  const row = (await sql.query<T>(text, values)).rows[0];
  if (!row) throw new Error(`no row from: ${text}`);
  return row;
}
