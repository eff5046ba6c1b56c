import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaNames, Topics } from '#contracts';
import { freePort, kafkaLibDir, pinnedVersions, repoRoot, waitFor } from '#test-infra';
import { ChildService } from '../support/child-process.js';

const secret = () => randomBytes(18).toString('base64url');

interface KafkaError {
  type?: string;
  cause?: KafkaError;
  originalError?: KafkaError;
  errors?: KafkaError[];
}

/** The broker's error code under kafkajs' wrappers, or the message. */
function errorType(error: unknown): string {
  for (
    let e = error as KafkaError | undefined;
    e;
    e = e.cause ?? e.originalError ?? e.errors?.[0]
  ) {
    if (e.type) return e.type;
  }
  return (error as Error).message;
}

/**
 * docker-compose.yml's Kafka, without Docker: its broker script (docker/kafka/start-broker.sh)
 * runs on Kafka's jars, the set-up job (apps/kafka-setup) runs with the defaults compose uses,
 * and then each service's principal can do its part and nothing else. No Docker engine runs in
 * CI; this is what keeps the compose file's Kafka from being untested text.
 */
describe('the compose stack’s Kafka (broker script and set-up job)', () => {
  const passwords = { admin: secret(), relay: secret(), payments: secret(), ledger: secret() };
  let dir: string;
  let broker: ChildProcess;
  let brokers: string[];
  let brokerLog = '';

  const client = (user?: keyof typeof passwords, password?: string, retries = 0) =>
    new Kafka({
      clientId: 'compose-kafka-test',
      brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries },
      connectionTimeout: 3_000,
      ...(user && {
        sasl: {
          mechanism: 'scram-sha-512',
          username: user,
          password: password ?? passwords[user],
        },
      }),
    });
  const setUp = () =>
    ChildService.start('kafka-setup', 'apps/kafka-setup/src/main.js', {
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_SASL_USERNAME: 'admin',
      KAFKA_SASL_PASSWORD: passwords.admin,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'compose-kafka-'));
    // The image's two scripts the broker script calls, as shims over the jars tests use.
    const bin = join(dir, 'home', 'bin');
    mkdirSync(bin, { recursive: true });
    const java = (main: string) =>
      `#!/bin/sh\nexec java -Xmx512m -Dlog4j2.configurationFile=${join(repoRoot(), 'test/infra/kafka/log4j2.yaml')} -cp '${kafkaLibDir(pinnedVersions().kafka)}/*' ${main} "$@"\n`;
    for (const [name, main] of [
      ['kafka-storage.sh', 'kafka.tools.StorageTool'],
      ['kafka-server-start.sh', 'kafka.Kafka'],
    ] as const) {
      writeFileSync(join(bin, name), java(main));
      chmodSync(join(bin, name), 0o755);
    }
    const [port, hostPort, controllerPort] = [await freePort(), await freePort(), await freePort()];
    brokers = [`127.0.0.1:${hostPort}`];
    broker = spawn('sh', [join(repoRoot(), 'docker/kafka/start-broker.sh')], {
      env: {
        PATH: process.env.PATH ?? '',
        KAFKA_HOME: join(dir, 'home'),
        KAFKA_DATA_DIR: join(dir, 'data'),
        KAFKA_PORT: String(port),
        KAFKA_HOST_PORT: String(hostPort),
        KAFKA_CONTROLLER_PORT: String(controllerPort),
        KAFKA_ADVERTISED_HOST: '127.0.0.1',
        KAFKA_ADMIN_PASSWORD: passwords.admin,
        KAFKA_RELAY_PASSWORD: passwords.relay,
        KAFKA_PAYMENTS_PASSWORD: passwords.payments,
        KAFKA_LEDGER_PASSWORD: passwords.ledger,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    broker.stdout?.on('data', (chunk: Buffer) => (brokerLog += chunk.toString()));
    broker.stderr?.on('data', (chunk: Buffer) => (brokerLog += chunk.toString()));
    await waitFor(
      async () => {
        if (broker.exitCode !== null) throw new Error(`broker exited:\n${brokerLog}`);
        const admin = client('admin').admin();
        try {
          await admin.connect();
          return (await admin.describeCluster()).brokers.length === 1;
        } catch {
          return false;
        } finally {
          await admin.disconnect();
        }
      },
      { description: 'the compose broker', timeoutMs: 90_000, intervalMs: 500 },
    );
  }, 120_000);
  afterAll(async () => {
    if (broker && broker.exitCode === null) {
      const exited = new Promise((resolve) => broker.once('exit', resolve));
      broker.kill('SIGKILL');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sets up topics and ACLs, twice without harm', async () => {
    for (let run = 0; run < 2; run++) {
      const job = setUp();
      const { code } = await job.exited;
      expect({ run, code, log: code === 0 ? '' : job.log }).toEqual({ run, code: 0, log: '' });
    }
    const admin = client('admin').admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      expect(topics).toEqual(
        expect.arrayContaining([
          Topics.transferRequested,
          Topics.transferResults,
          `${Topics.transferRequested}.dlq`,
          `${Topics.transferResults}.dlq`,
          KafkaNames.relayPositionTopic,
        ]),
      );
    } finally {
      await admin.disconnect();
    }
  }, 120_000);

  /** Sends one record in a transaction under `transactionalId`; the error type, or `sent`. */
  const sendAs = async (
    user: keyof typeof passwords,
    topic: string,
    transactionalId: string,
  ): Promise<string> => {
    // Retries: the first transaction of the cluster waits for its transaction log to exist.
    const producer = client(user, undefined, 8).producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    try {
      await producer.connect();
      const tx = await producer.transaction();
      await tx.send({ topic, messages: [{ key: 'k', value: '{"compose":true}' }] });
      await tx.abort();
      return 'sent';
    } catch (error) {
      return errorType(error);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };

  it('lets the relay, and only the relay, write transfer requests', async () => {
    const requested = Topics.transferRequested;
    const relayId = KafkaNames.relayTransactionalId;
    expect(await sendAs('relay', requested, relayId)).toBe('sent');
    expect(await sendAs('ledger', requested, `${KafkaNames.ledgerGroup}-0`)).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(await sendAs('payments', requested, `${KafkaNames.settlementGroup}-0`)).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    // Nor may another principal take the relay's transactional id (and fence the relay): the
    // broker refuses to name its coordinator, which kafkajs reports without the broker's code.
    expect(await sendAs('ledger', requested, relayId)).toMatch(
      /^(TRANSACTIONAL_ID_AUTHORIZATION_FAILED|Failed to find group coordinator)$/,
    );
  }, 60_000);

  it('lets the ledger, and only the ledger, write results', async () => {
    const results = Topics.transferResults;
    expect(await sendAs('ledger', results, `${KafkaNames.ledgerGroup}-0`)).toBe('sent');
    expect(await sendAs('relay', results, KafkaNames.relayTransactionalId)).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(await sendAs('payments', results, `${KafkaNames.settlementGroup}-0`)).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  }, 60_000);

  it('refuses a wrong password, and the services may not create topics', async () => {
    const wrong = client('payments', 'not-the-password').admin();
    await expect(wrong.connect()).rejects.toThrow(/authentication failed/i);
    const admin = client('ledger').admin();
    await admin.connect();
    try {
      const made = admin.createTopics({
        topics: [{ topic: 'ledger-made-this', numPartitions: 1 }],
      });
      expect(await made.then(() => 'created', errorType)).toBe('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await admin.disconnect();
    }
  }, 60_000);
});
