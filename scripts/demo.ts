/**
 * `npm run demo`: the stack and a short story told through its HTTP APIs.
 *
 * Kafka and PostgreSQL come from the same place as in the tests (testcontainers where a Docker
 * engine runs, else local mode: Kafka from Maven Central and the machine's PostgreSQL); payments
 * and ledger run as child processes. It opens and funds accounts, sends transfers (one rejected
 * for insufficient funds, one retried with the same idempotency key) and prints the outcomes and
 * balances. It keeps the stack up until Ctrl-C; `--once` stops it after the story (CI uses that).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../test/infra/free-port.js';
import { repoRoot } from '../test/infra/repo-root.js';
import { startInfra, type RunningInfra } from '../test/infra/start-infra.js';
import { waitFor } from '../test/infra/wait-for.js';

const say = (line: string): void => console.log(`[demo] ${line}`);
const once = process.argv.includes('--once');

async function main(): Promise<void> {
  const infra = await startInfra({ log: say, env: {} });
  for (const line of infra.summary) say(line);
  const children: ChildProcess[] = [];
  const stop = async (code: number): Promise<never> => {
    for (const child of children) child.kill('SIGTERM');
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(running.map((c) => new Promise((resolve) => c.once('exit', resolve))));
    await infra.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    const stack = await startServices(infra, children);
    await tellStory(stack);
    if (once) await stop(0);
    say(
      `payments: ${stack.payments} (API key ${stack.apiKey}), ledger: ${stack.ledger}; Ctrl-C stops`,
    );
  } catch (error) {
    console.error(error);
    for (const child of children) child.kill('SIGTERM');
    await stop(1);
  }
}

interface Stack {
  payments: string;
  ledger: string;
  apiKey: string;
}

async function startServices(infra: RunningInfra, children: ChildProcess[]): Promise<Stack> {
  const apiKey = `demo-${randomBytes(12).toString('hex')}`;
  const [paymentsDb, ledgerDb] = await Promise.all([
    freshDatabase(infra, 'eos_demo_payments'),
    freshDatabase(infra, 'eos_demo_ledger'),
  ]);
  const [paymentsPort, ledgerPort] = [await freePort(), await freePort()];
  const common = {
    KAFKA_BROKERS: infra.kafkaBrokers,
    TOPIC_PARTITIONS: '3',
    PATH: process.env.PATH ?? '',
  };
  children.push(
    service('ledger', 'apps/ledger/src/main.js', {
      ...common,
      PORT: String(ledgerPort),
      DATABASE_URL: ledgerDb,
    }),
    service('payments', 'apps/payments/src/main.js', {
      ...common,
      PORT: String(paymentsPort),
      DATABASE_URL: paymentsDb,
      API_KEYS: `demo:${apiKey}`,
    }),
  );
  const stack = {
    payments: `http://127.0.0.1:${paymentsPort}`,
    ledger: `http://127.0.0.1:${ledgerPort}`,
    apiKey,
  };
  await waitFor(async () => (await fetch(`${stack.payments}/health/live`)).ok, {
    description: 'payments',
    timeoutMs: 60_000,
  });
  await waitFor(async () => (await fetch(`${stack.ledger}/accounts/not-an-id`)).status === 404, {
    description: 'ledger',
    timeoutMs: 60_000,
  });
  return stack;
}

function service(name: string, script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', join(repoRoot(), 'dist', script)],
    {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  child.on('exit', (code, signal) => {
    if (code) say(`${name} exited with ${code ?? signal}`);
  });
  return child;
}

async function freshDatabase(infra: RunningInfra, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: infra.databaseUrl });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(infra.databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function tellStory({ payments, ledger, apiKey }: Stack): Promise<void> {
  const json = async (
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Record<string, string>> => {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Record<string, string>;
  };
  const alice = (await json(`${ledger}/accounts`, { currency: 'EUR' })).id ?? '';
  const bob = (await json(`${ledger}/accounts`, { currency: 'EUR' })).id ?? '';
  await json(`${ledger}/accounts/${alice}/fund`, { amount: '10000' });
  say(`opened alice ${alice} (funded 100.00 EUR) and bob ${bob}`);

  const auth = { authorization: `Bearer ${apiKey}` };
  const send = (key: string, amount: string) =>
    json(
      `${payments}/transfers`,
      { debitAccountId: alice, creditAccountId: bob, amount, currency: 'EUR' },
      { ...auth, 'idempotency-key': key },
    );
  const first = await send('demo-rent', '7500');
  const retried = await send('demo-rent', '7500');
  say(
    `transfer 75.00 EUR: ${first.id} ${first.status}; retried with the same key: ${retried.id === first.id ? 'same transfer' : 'NEW TRANSFER'}`,
  );
  const second = await send('demo-bike', '5000');
  say(`transfer 50.00 EUR: ${second.id} ${second.status}`);

  for (const transfer of [first, second]) {
    const final = await waitFor(
      async () => {
        const t = await json(`${payments}/transfers/${transfer.id}`, undefined, auth);
        return t.status !== 'pending' && t;
      },
      { description: `transfer ${transfer.id} to settle`, timeoutMs: 60_000, intervalMs: 200 },
    );
    say(`transfer ${final.id}: ${final.status}${final.reason ? ` (${final.reason})` : ''}`);
  }
  for (const [name, id] of [
    ['alice', alice],
    ['bob', bob],
  ] as const) {
    say(`${name}: balance ${(await json(`${ledger}/accounts/${id}`)).balance} (minor units)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
