/**
 * `npm run demo`: the stack and a short story told through its HTTP APIs.
 *
 * Kafka and PostgreSQL come from the same place as in the tests (testcontainers where a Docker
 * engine runs, else local mode: Kafka from Maven Central and the machine's PostgreSQL); payments
 * and ledger run as child processes, with keys and the ledger's token generated for this run.
 * Kafka authenticates each service as its own SCRAM user and allows it only what the set-up job
 * grants (apps/kafka-setup), as in docker-compose.yml; the relay runs inside payments here, so
 * the relay and settlement share the `payments` user. Each service migrates its database as the
 * owner and runs as a role with DML rights only, as in compose.
 * Two clients open accounts, an operator funds one, transfers go out (one retried with the same
 * idempotency key, one rejected for insufficient funds, one refused because its account is
 * another client's) and it prints the outcomes and balances. It keeps the stack up until Ctrl-C; `--once` stops it after the story (CI uses that).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { KafkajsClient } from '#kafka-eos';
import { loadKafkaSetupConfig } from '../apps/kafka-setup/src/kafka-setup.config.js';
import { setUpPipelineKafka } from '../apps/kafka-setup/src/service-access.js';
import { freePort } from '../test/infra/free-port.js';
import { createServiceRoles } from '../test/infra/postgres.js';
import { repoRoot } from '../test/infra/repo-root.js';
import { startInfra, type RunningInfra } from '../test/infra/start-infra.js';
import { waitFor } from '../test/infra/wait-for.js';

const say = (line: string): void => console.log(`[demo] ${line}`);
const once = process.argv.includes('--once');
const secret = () => randomBytes(24).toString('base64url');

async function main(): Promise<void> {
  // docker/kafka/start-broker.sh's users, with passwords made for this run.
  const kafkaUsers = { admin: secret(), relay: secret(), payments: secret(), ledger: secret() };
  const infra = await startInfra({
    log: say,
    env: {},
    kafkaSasl: { admin: 'admin', users: kafkaUsers },
  });
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
    const accounts = await tellStory(stack);
    if (once) await stop(0);
    say(
      `payments: ${stack.payments} (API keys: alice ${stack.keys.alice}, bob ${stack.keys.bob}; ` +
        `admin ${stack.keys.admin}); docs and metrics: ${stack.management}/docs, /metrics; ` +
        'the ledger is internal; Ctrl-C stops. Try:',
    );
    console.log(tryIt(stack, accounts));
  } catch (error) {
    console.error(error);
    for (const child of children) child.kill('SIGTERM');
    await stop(1);
  }
}

/** Ready-to-paste requests with this run's keys and accounts (the README's examples, filled in). */
function tryIt({ payments, keys }: Stack, { alice, bob }: Accounts): string {
  const base = payments.replace('http://127.0.0.1', 'localhost');
  const auth = `-H 'authorization: Bearer ${keys.alice}'`;
  return [
    `curl -s ${base}/accounts ${auth}`,
    `curl -s ${base}/transfers ${auth} -H 'idempotency-key: my-first-transfer' \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d '{"debitAccountId":"${alice}","creditAccountId":"${bob}","amount":"100","currency":"EUR"}'`,
    `curl -s ${base}/accounts/${alice} ${auth}`,
  ].join('\n');
}

/** The accounts the story opened: alice's and bob's. */
interface Accounts {
  alice: string;
  bob: string;
}

interface Stack {
  payments: string;
  /** /metrics and /docs: not on the public port. */
  management: string;
  /** Generated for this run: nothing the demo runs with is a constant of the repo. */
  keys: { alice: string; bob: string; admin: string };
}

/** Topics and ACLs, as the admin; the services' users get what they need and no more. */
async function setUpKafka(infra: RunningInfra, partitions: number): Promise<void> {
  const users = infra.kafkaSasl?.users;
  if (!users) throw new Error('the demo runs its own Kafka, with SASL');
  const kafka = new KafkajsClient({
    clientId: 'demo-kafka-setup',
    brokers: infra.kafkaBrokers.split(','),
    logger: { log: () => undefined, warn: say, error: say },
    sasl: { mechanism: 'scram-sha-512', username: 'admin', password: users.admin ?? '' },
  });
  // The names every service uses by default, as the kafka-setup job derives them.
  const { names } = loadKafkaSetupConfig({});
  const done = await setUpPipelineKafka(kafka, {
    names,
    principals: { relay: 'payments', settlement: 'payments', ledger: 'ledger' },
    partitions,
  });
  say(`Kafka: ${done.topics} topics; ${done.acls} ACLs for the users payments and ledger`);
}

/** A service's Kafka credentials, as its KAFKA_SASL_* settings. */
function kafkaLogin(infra: RunningInfra, user: string): Record<string, string> {
  return {
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD: infra.kafkaSasl?.users[user] ?? '',
  };
}

async function startServices(infra: RunningInfra, children: ChildProcess[]): Promise<Stack> {
  const partitions = 3;
  await setUpKafka(infra, partitions);
  const keys = { alice: secret(), bob: secret(), admin: secret() };
  const ledgerToken = secret();
  const [paymentsDb, ledgerDb] = await Promise.all([
    freshDatabase(infra, 'eos_demo_payments'),
    freshDatabase(infra, 'eos_demo_ledger'),
  ]);
  // The services' own defaults, which the README's examples use (localhost:3000).
  const paymentsPort = await portOr(3000, 'the payments API');
  const ledgerPort = await portOr(3001, "the ledger's internal API");
  const paymentsManagement = await portOr(9464, "payments' management port");
  const ledgerManagement = await portOr(9465, "the ledger's management port");
  const common = {
    KAFKA_BROKERS: infra.kafkaBrokers,
    TOPIC_PARTITIONS: String(partitions),
    PATH: process.env.PATH ?? '',
  };
  children.push(
    service('ledger', 'apps/ledger/src/main.js', {
      ...common,
      PORT: String(ledgerPort),
      MANAGEMENT_PORT: String(ledgerManagement),
      ...ledgerDb,
      LEDGER_API_TOKEN: ledgerToken,
      ...kafkaLogin(infra, 'ledger'),
    }),
    service('payments', 'apps/payments/src/main.js', {
      ...common,
      PORT: String(paymentsPort),
      MANAGEMENT_PORT: String(paymentsManagement),
      ...paymentsDb,
      API_KEYS: `alice:${keys.alice},bob:${keys.bob}`,
      ADMIN_API_KEYS: `operator:${keys.admin}`,
      LEDGER_URL: `http://127.0.0.1:${ledgerPort}`,
      LEDGER_API_TOKEN: ledgerToken,
      ...kafkaLogin(infra, 'payments'),
    }),
  );
  const stack = {
    payments: `http://127.0.0.1:${paymentsPort}`,
    management: `http://127.0.0.1:${paymentsManagement}`,
    keys,
  };
  await waitFor(async () => (await fetch(`${stack.payments}/health/live`)).ok, {
    description: 'payments',
    timeoutMs: 60_000,
  });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${ledgerPort}/health/live`)).ok, {
    description: 'ledger',
    timeoutMs: 60_000,
  });
  return stack;
}

/** `preferred` when nothing listens there, else a free port, said loudly. */
async function portOr(preferred: number, what: string): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(preferred, () => probe.close(() => resolve(true)));
  });
  if (free) return preferred;
  const port = await freePort();
  say(
    `!!! port ${preferred} is taken: ${what} is on ${port} instead (change the examples to match)`,
  );
  return port;
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

/**
 * A new database with the two roles a deployment gives a service (as in compose): an owner the
 * migrations run as, and a runtime role with DML only, which the service runs as.
 */
async function freshDatabase(
  infra: RunningInfra,
  name: string,
): Promise<{ DATABASE_URL: string; DATABASE_MIGRATION_URL: string }> {
  const client = new pg.Client({ connectionString: infra.databaseUrl });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  // Left by an earlier run: the roles are the server's, not the database's.
  await client.query(`drop role if exists ${name}_app`);
  await client.query(`drop role if exists ${name}_owner`);
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(infra.databaseUrl);
  url.pathname = `/${name}`;
  const database = { name, url: url.toString(), drop: async () => undefined };
  const roles = await createServiceRoles(database, infra.databaseUrl);
  return { DATABASE_URL: roles.runtimeUrl, DATABASE_MIGRATION_URL: roles.migrationUrl };
}

async function tellStory({ payments, keys }: Stack): Promise<Accounts> {
  const call = async (
    key: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Record<string, string>> => {
    const response = await fetch(`${payments}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { httpStatus: String(response.status), ...((await response.json()) as object) };
  };
  const settled = (key: string, path: string) =>
    waitFor(
      async () => {
        const t = await call(key, path);
        return t.status !== 'pending' && t;
      },
      { description: `${path} to settle`, timeoutMs: 60_000, intervalMs: 200 },
    );

  const alice = (await call(keys.alice, '/accounts', { currency: 'EUR' })).id ?? '';
  const bob = (await call(keys.bob, '/accounts', { currency: 'EUR' })).id ?? '';
  say(`client alice opened ${alice}, client bob opened ${bob}`);
  const funding = await call(
    keys.admin,
    '/admin/fundings',
    { accountId: alice, amount: '10000', currency: 'EUR' },
    { 'idempotency-key': 'demo-opening-balance' },
  );
  const funded = await settled(keys.admin, `/admin/fundings/${funding.id}`);
  say(`the operator funded alice with 100.00 EUR: ${funded.status}`);

  const send = (
    key: string,
    idempotencyKey: string,
    debit: string,
    credit: string,
    amount: string,
  ) =>
    call(
      key,
      '/transfers',
      { debitAccountId: debit, creditAccountId: credit, amount, currency: 'EUR' },
      { 'idempotency-key': idempotencyKey },
    );
  const first = await send(keys.alice, 'demo-rent', alice, bob, '7500');
  const retried = await send(keys.alice, 'demo-rent', alice, bob, '7500');
  say(
    `alice → bob 75.00 EUR: ${first.id} ${first.status}; retried with the same key: ${retried.id === first.id ? 'same transfer' : 'NEW TRANSFER'}`,
  );
  const second = await send(keys.alice, 'demo-bike', alice, bob, '5000');
  say(`alice → bob 50.00 EUR: ${second.id} ${second.status}`);
  const stolen = await send(keys.bob, 'demo-theft', alice, bob, '100');
  say(`bob debiting alice's account: ${stolen.httpStatus} ${stolen.code} (not his account)`);

  for (const transfer of [first, second]) {
    const final = await settled(keys.alice, `/transfers/${transfer.id}`);
    say(`transfer ${final.id}: ${final.status}${final.reason ? ` (${final.reason})` : ''}`);
  }
  for (const [name, key, id] of [
    ['alice', keys.alice, alice],
    ['bob', keys.bob, bob],
  ] as const) {
    say(`${name}: balance ${(await call(key, `/accounts/${id}`)).balance} (minor units)`);
  }
  return { alice, bob };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
