import { dockerAvailable, startKafkaContainer, startPostgresContainer } from './docker-infra.js';
import { LocalKafkaCluster, localKafkaMissing, type KafkaSaslSetup } from './local-kafka.js';
import { LOCAL_POSTGRES_URL, localPostgresMissing } from './postgres.js';
import { pinnedVersions } from './repo-root.js';
import { selectInfra, type InfraSource } from './select-infra.js';

export interface RunningInfra {
  /** Comma-separated bootstrap list. */
  kafkaBrokers: string;
  /** A server-level URL; tests create their own databases on it. */
  databaseUrl: string;
  /** The Kafka version the broker reported (or the pinned one when given by the environment). */
  kafkaVersion: string;
  /** One line per resource saying where it came from. */
  summary: string[];
  /** The local cluster, for tests that restart brokers (local mode only). */
  localKafka?: LocalKafkaCluster;
  /** The SASL users, when Kafka authenticates (asked for with `kafkaSasl`, and not from env). */
  kafkaSasl?: KafkaSaslSetup;
  stop(): Promise<void>;
}

/**
 * Starts (or finds) a Kafka broker and a PostgreSQL server for tests and local runs.
 * See select-infra.ts for the order in which sources are tried.
 */
export async function startInfra(
  options: {
    log?: (line: string) => void;
    env?: Record<string, string | undefined>;
    /** Nodes of a local Kafka cluster (default 1); the chaos runner's 3-broker mode asks for 3. */
    kafkaNodes?: number;
    /**
     * A broker that authenticates (SASL/SCRAM) and authorises (ACLs): in local mode and in
     * Docker (there with compose's users: admin, relay, payments, ledger). A broker from
     * KAFKA_BROKERS is used as it is.
     */
    kafkaSasl?: KafkaSaslSetup;
  } = {},
): Promise<RunningInfra> {
  const log = options.log ?? (() => undefined);
  const env = options.env ?? process.env;
  const versions = pinnedVersions();
  const choice = await selectInfra(env, {
    dockerAvailable,
    localKafkaMissing: () => localKafkaMissing(versions.kafka),
    localPostgresMissing: () => localPostgresMissing(),
  });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const kafka = await startKafka(
      choice.kafka,
      versions.kafka,
      log,
      options.kafkaNodes ?? 1,
      options.kafkaSasl,
    );
    stops.push(kafka.stop);
    const postgres = await startPostgres(choice.postgres, versions.postgres);
    stops.push(postgres.stop);
    return {
      kafkaBrokers: kafka.address,
      databaseUrl: postgres.address,
      kafkaVersion: kafka.version,
      summary: [kafka.summary, postgres.summary],
      localKafka: kafka.cluster,
      kafkaSasl: choice.kafka.kind === 'env' ? undefined : options.kafkaSasl,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface Started {
  address: string;
  summary: string;
  stop: () => Promise<void>;
}

async function startKafka(
  source: InfraSource,
  pinned: string,
  log: (line: string) => void,
  nodes: number,
  sasl: KafkaSaslSetup | undefined,
): Promise<Started & { version: string; cluster?: LocalKafkaCluster }> {
  const secured = sasl ? ', SASL/SCRAM and ACLs' : '';
  const nothing = async (): Promise<void> => undefined;
  switch (source.kind) {
    case 'env':
      return {
        address: source.address,
        version: pinned,
        summary: `Kafka: ${source.address} (from KAFKA_BROKERS; version not checked)`,
        stop: nothing,
      };
    case 'docker': {
      const kafka = await startKafkaContainer(pinned, sasl);
      const version = kafka.reportedVersion ?? 'unknown';
      return {
        ...kafka,
        version,
        summary: `Kafka ${version}: apache/kafka:${pinned} container at ${kafka.address}${secured}`,
      };
    }
    case 'local': {
      const cluster = await LocalKafkaCluster.start({ version: pinned, log, size: nodes, sasl });
      const version = cluster.reportedVersion() ?? 'unknown';
      const address = cluster.brokers.join(',');
      return {
        address,
        version,
        cluster,
        summary: `Kafka ${version}: local KRaft ${nodes === 1 ? 'broker' : `cluster of ${nodes} nodes`} (Maven Central jars) at ${address}${secured}, pid ${cluster.nodes.map((n) => n.process?.pid).join(',')}`,
        stop: () => cluster.stop(),
      };
    }
  }
}

async function startPostgres(source: InfraSource, major: string): Promise<Started> {
  switch (source.kind) {
    case 'env':
      return {
        address: source.address,
        summary: 'PostgreSQL: from DATABASE_URL',
        stop: async () => undefined,
      };
    case 'docker': {
      const pg = await startPostgresContainer(major);
      return { ...pg, summary: `PostgreSQL: postgres:${major} container` };
    }
    case 'local':
      return {
        address: LOCAL_POSTGRES_URL,
        summary:
          'PostgreSQL: local server at 127.0.0.1:5432 (each test file, and the demo, makes its own databases)',
        stop: async () => undefined,
      };
  }
}
