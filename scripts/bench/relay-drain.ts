import pg from 'pg';
import { Kafka, logLevel, type Message } from 'kafkajs';
import {
  createKafkaClient,
  delay,
  ensureTopics,
  type KafkaClient,
  type KafkaClientName,
} from '#kafka-eos';
import { uniqueName } from '#test-infra';
import { ChildService } from '../../test/support/child-process.js';
import { freshPaymentsDatabase } from './bench-database.js';
import { sampleMessage } from './sample-transfer.js';

export interface RelayDrainResult {
  batchSize: number;
  rows: number;
  payloadBytes: number;
  /** Rows per second from the first published batch to an empty outbox. */
  relayRowsPerSec: number;
  /** From starting the process to an empty outbox, start-up included. */
  relayWallSec: number;
  plainMsgsPerSec: number;
  /** The same plain producer with idempotence on (producer id and sequence numbers). */
  idempotentMsgsPerSec: number;
  /** The same plain producer with acks=0 (fire and forget: a send resolves unanswered). */
  acksZeroMsgsPerSec: number;
}

interface DrainSetup {
  kafkaBrokers: string;
  databaseUrl: string;
  rows: number;
  batchSize: number;
  partitions: number;
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** One Kafka client's relay drain, and its port's plain producer sending the same records. */
export interface ClientDrainResult {
  client: KafkaClientName;
  relayRowsPerSec: number;
  portProduceMsgsPerSec: number;
}

/**
 * The relay draining a pre-filled outbox on `client` (KAFKA_CLIENT), then the same records sent
 * by that client's plain producer through the port (acks=-1, one batch at a time).
 */
export async function measureClientDrain(
  setup: DrainSetup & { client: KafkaClientName },
): Promise<ClientDrainResult> {
  const kafkaClient = createKafkaClient({
    library: setup.client,
    clientId: 'bench',
    brokers: setup.kafkaBrokers.split(','),
    logger: quiet,
  });
  return withFilledOutbox(setup, kafkaClient, `relay${setup.client}`, async (outbox) => {
    const plainTopic = await freshTopic(kafkaClient, 'bench-port', setup.partitions);
    const relay = await timeRelay(outbox.client, {
      ...setup,
      url: outbox.url,
      topic: outbox.topic,
    });
    const portSec = await timePortProduce(
      kafkaClient,
      plainTopic,
      outbox.messages,
      setup.batchSize,
    );
    return {
      client: setup.client,
      relayRowsPerSec: relay.relayRowsPerSec,
      portProduceMsgsPerSec: setup.rows / portSec,
    };
  });
}

/**
 * Pre-fills an outbox, times the standalone relay draining it, then a plain producer, then the
 * same producer with idempotence on.
 */
export async function measureRelayDrain(setup: DrainSetup): Promise<RelayDrainResult> {
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: setup.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const kafkaClient = createKafkaClient({
    clientId: 'bench',
    brokers: setup.kafkaBrokers.split(','),
    logger: quiet,
  });
  return withFilledOutbox(setup, kafkaClient, `relay${setup.batchSize}`, async (outbox) => {
    const { messages } = outbox;
    const topic = (prefix: string) => freshTopic(kafkaClient, prefix, setup.partitions);
    const plainTopic = await topic('bench-plain');
    const idempotentTopic = await topic('bench-idempotent');
    const acksZeroTopic = await topic('bench-acks0');
    const payloadBytes = Math.round(
      messages.reduce((sum, m) => sum + Buffer.byteLength(String(m.value)), 0) / messages.length,
    );
    const relay = await timeRelay(outbox.client, {
      ...setup,
      url: outbox.url,
      topic: outbox.topic,
    });
    const plainSec = await timePlainProduce(kafka, plainTopic, messages, setup.batchSize);
    const idempotentSec = await timePlainProduce(
      kafka,
      idempotentTopic,
      messages,
      setup.batchSize,
      {
        idempotent: true,
      },
    );
    const acksZeroSec = await timePlainProduce(kafka, acksZeroTopic, messages, setup.batchSize, {
      acks: 0,
    });
    return {
      batchSize: setup.batchSize,
      rows: setup.rows,
      payloadBytes,
      ...relay,
      plainMsgsPerSec: setup.rows / plainSec,
      idempotentMsgsPerSec: setup.rows / idempotentSec,
      acksZeroMsgsPerSec: setup.rows / acksZeroSec,
    };
  });
}

/** An outbox in a fresh payments database, filled with `rows` rows for a fresh relay topic. */
interface FilledOutbox {
  url: string;
  client: pg.Client;
  topic: string;
  /** The rows as the relay will send them. */
  messages: Message[];
}

async function withFilledOutbox<T>(
  setup: DrainSetup,
  kafkaClient: KafkaClient,
  databaseName: string,
  use: (outbox: FilledOutbox) => Promise<T>,
): Promise<T> {
  const topic = await freshTopic(kafkaClient, 'bench-relay', setup.partitions);
  const db = await freshPaymentsDatabase(setup.databaseUrl, databaseName);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await fillOutbox(client, topic, setup.rows);
    return await use({ url: db.url, client, topic, messages: await readOutbox(client) });
  } finally {
    await client.end();
    await db.drop();
  }
}

async function freshTopic(
  kafkaClient: KafkaClient,
  prefix: string,
  partitions: number,
): Promise<string> {
  const topic = uniqueName(prefix);
  await ensureTopics(kafkaClient, [{ topic, numPartitions: partitions }]);
  return topic;
}

/** Inserts `rows` outbox rows, 1,000 to a statement (each its own transaction). */
async function fillOutbox(client: pg.Client, topic: string, rows: number): Promise<void> {
  for (let start = 0; start < rows; start += 1_000) {
    const chunk = Array.from({ length: Math.min(1_000, rows - start) }, (_, i) =>
      sampleMessage(start + i, topic),
    );
    await client.query(
      `insert into outbox (event_id, topic, key, payload, headers)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])`,
      [
        chunk.map((m) => m.eventId),
        chunk.map((m) => m.topic),
        chunk.map((m) => m.key),
        chunk.map((m) => JSON.stringify(m.payload)),
        chunk.map((m) => JSON.stringify(m.headers)),
      ],
    );
  }
}

/** The records exactly as the relay will send them (jsonb text, in publish order). */
async function readOutbox(client: pg.Client): Promise<Message[]> {
  const result = await client.query<{ key: string; value: string; headers: Message['headers'] }>(
    `select key, payload::text as value, headers from outbox order by xid, id`,
  );
  return result.rows;
}

async function timeRelay(
  client: pg.Client,
  run: DrainSetup & { url: string; topic: string; client?: KafkaClientName },
): Promise<{ relayRowsPerSec: number; relayWallSec: number }> {
  const count = async (): Promise<number> =>
    Number((await client.query<{ n: string }>(`select count(*) as n from outbox`)).rows[0]?.n);
  const started = performance.now();
  const relay = ChildService.start('relay', 'apps/payments/src/relay.main.js', {
    DATABASE_URL: run.url,
    PORT: '0',
    KAFKA_BROKERS: run.kafkaBrokers,
    API_KEYS: 'bench:unused-by-the-relay-0000',
    TOPIC_TRANSFER_REQUESTED: run.topic,
    TOPIC_PARTITIONS: String(run.partitions),
    RELAY_TRANSACTIONAL_ID: uniqueName('bench-relay'),
    RELAY_POSITION_TOPIC: uniqueName('bench-relay-position'),
    RELAY_BATCH_SIZE: String(run.batchSize),
    ...(run.client && { KAFKA_CLIENT: run.client }),
  });
  try {
    // The clock starts at the first committed batch, so process start-up is not counted.
    let first: { at: number; remaining: number } | undefined;
    const deadline = started + 600_000;
    for (let remaining = run.rows; remaining > 0; remaining = await count()) {
      if (!first && remaining < run.rows) first = { at: performance.now(), remaining };
      if (!relay.running) throw new Error(`relay exited:\n${relay.log.slice(-2_000)}`);
      if (performance.now() > deadline) throw new Error('the relay did not empty the outbox');
      await delay(50);
    }
    const ended = performance.now();
    const drained = first ? first.remaining : run.rows;
    const drainSec = first ? (ended - first.at) / 1000 : (ended - started) / 1000;
    return { relayRowsPerSec: drained / drainSec, relayWallSec: (ended - started) / 1000 };
  } finally {
    await relay.stop();
  }
}

/** A non-transactional producer, acks=-1 unless told, one batch at a time like the relay. */
async function timePlainProduce(
  kafka: Kafka,
  topic: string,
  messages: Message[],
  batchSize: number,
  { idempotent = false, acks = -1 }: { idempotent?: boolean; acks?: 0 | -1 } = {},
): Promise<number> {
  // Sends are awaited one at a time, so at most one request is in flight either way.
  const producer = kafka.producer({ idempotent });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: messages.slice(0, 1) });
    const started = performance.now();
    for (let i = 0; i < messages.length; i += batchSize) {
      await producer.send({ topic, acks, messages: messages.slice(i, i + batchSize) });
    }
    return (performance.now() - started) / 1000;
  } finally {
    await producer.disconnect();
  }
}

/** The port's plain producer on one client, acks=-1, one batch at a time like the relay. */
async function timePortProduce(
  kafka: KafkaClient,
  topic: string,
  messages: Message[],
  batchSize: number,
): Promise<number> {
  const producer = kafka.producer({ acks: -1, idempotent: false, retries: 5 });
  await producer.connect();
  const batch = (from: number, to: number) => [
    {
      topic,
      messages: messages.slice(from, to).map((m) => ({
        key: m.key ?? null,
        value: m.value ?? null,
        headers: m.headers as Record<string, string> | undefined,
      })),
    },
  ];
  try {
    await producer.send(batch(0, 1));
    const started = performance.now();
    for (let i = 0; i < messages.length; i += batchSize) {
      await producer.send(batch(i, i + batchSize));
    }
    return (performance.now() - started) / 1000;
  } finally {
    await producer.disconnect();
  }
}
