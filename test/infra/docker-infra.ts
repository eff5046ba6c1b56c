import {
  GenericContainer,
  Wait,
  getContainerRuntimeClient,
  type StartedTestContainer,
} from 'testcontainers';
import { join } from 'node:path';
import type { SASLOptions } from 'kafkajs';
import { freePort } from './free-port.js';
import { waitForKafkaReady } from './kafka-readiness.js';
import type { KafkaSaslSetup } from './local-kafka.js';
import { repoRoot } from './repo-root.js';
import { waitFor } from './wait-for.js';

/** True when testcontainers finds a Docker (or compatible) engine that answers. */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export interface StartedService {
  address: string;
  /** The version the server reports, when it can be read. */
  reportedVersion?: string;
  stop(): Promise<void>;
}

/**
 * The official `apache/kafka` image as a single KRaft node, with the replication settings a
 * one-broker cluster needs for transactions. The host port is fixed before start because the
 * broker must advertise the address clients connect to.
 */
export async function startKafkaContainer(
  version: string,
  sasl?: KafkaSaslSetup,
): Promise<StartedService> {
  if (sasl) return startSecureKafkaContainer(version, sasl);
  const hostPort = await freePort();
  const container: StartedTestContainer = await new GenericContainer(`apache/kafka:${version}`)
    .withExposedPorts({ container: 9092, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      // As in local mode (local-kafka.ts): timed-out transactions are aborted within a second.
      KAFKA_TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS: '1000',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return readyKafka(container, hostPort);
}

/** The started broker once it answers (as `sasl` when given), with the version it logged. */
async function readyKafka(
  container: StartedTestContainer,
  hostPort: number,
  sasl?: SASLOptions,
): Promise<StartedService> {
  const address = `127.0.0.1:${hostPort}`;
  await waitForKafkaReady([address], 1, undefined, sasl);
  const logs = await readLogs(container);
  return {
    address,
    reportedVersion: /Kafka version: (\S+)/.exec(logs)?.[1],
    stop: async () => {
      await container.stop();
    },
  };
}

/** The SCRAM users docker/kafka/start-broker.sh creates, and the variables of their passwords. */
const composeUsers = {
  admin: 'KAFKA_ADMIN_PASSWORD',
  relay: 'KAFKA_RELAY_PASSWORD',
  payments: 'KAFKA_PAYMENTS_PASSWORD',
  ledger: 'KAFKA_LEDGER_PASSWORD',
} as const;

/**
 * The compose stack's broker (docker/kafka/start-broker.sh: SASL/SCRAM, deny-by-default ACLs)
 * in a container, its HOST listener on a free host port. Its users are compose's four.
 */
async function startSecureKafkaContainer(
  version: string,
  sasl: KafkaSaslSetup,
): Promise<StartedService> {
  const names = Object.keys(sasl.users).sort().join(',');
  if (sasl.admin !== 'admin' || names !== Object.keys(composeUsers).sort().join(',')) {
    throw new Error(`the Kafka container's users are ${Object.keys(composeUsers).join(', ')}`);
  }
  const hostPort = await freePort();
  // INTERNAL (the broker's own listener) must resolve inside the container: not `kafka` here.
  const env: Record<string, string> = {
    KAFKA_HOST_PORT: String(hostPort),
    KAFKA_ADVERTISED_HOST: 'localhost',
  };
  for (const [user, variable] of Object.entries(composeUsers)) {
    env[variable] = sasl.users[user] ?? '';
  }
  const script = '/etc/kafka-demo/start-broker.sh';
  const container = await new GenericContainer(`apache/kafka:${version}`)
    .withCopyFilesToContainer([
      { source: join(repoRoot(), 'docker/kafka/start-broker.sh'), target: script },
    ])
    .withEntrypoint(['/bin/sh', script])
    .withExposedPorts({ container: hostPort, host: hostPort })
    .withEnvironment(env)
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return readyKafka(container, hostPort, {
    mechanism: 'scram-sha-512',
    username: 'admin',
    password: sasl.users.admin ?? '',
  });
}

export async function startPostgresContainer(major: string): Promise<StartedService> {
  const container = await new GenericContainer(`postgres:${major}`)
    .withExposedPorts(5432)
    // Test-only server, reachable from this machine alone: no password to keep.
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  return {
    address: `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`,
    stop: async () => {
      await container.stop();
    },
  };
}

async function readLogs(container: StartedTestContainer): Promise<string> {
  const stream = await container.logs();
  let text = '';
  stream.on('data', (chunk: Buffer | string) => (text += chunk.toString()));
  try {
    await waitFor(() => /Kafka version: /.test(text), {
      description: 'the version line in the Kafka container log',
      timeoutMs: 5_000,
    });
  } catch {
    // The version is informative only; the broker already answered.
  } finally {
    stream.destroy();
  }
  return text;
}
