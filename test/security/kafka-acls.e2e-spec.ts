import { randomBytes } from 'node:crypto';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
  type AclEntry,
} from 'kafkajs';
import { ensureTopics } from '#kafka-eos';
import { LocalKafkaCluster, pinnedVersions } from '#test-infra';
import { PipelineFixture } from '../pipeline/pipeline-fixture.js';

const secret = () => randomBytes(18).toString('base64url');

interface KafkaError {
  type?: string;
  cause?: KafkaError;
  originalError?: KafkaError;
}

/**
 * Kafka authenticates (SASL/SCRAM-SHA-512) and authorises (ACLs, deny by default) with one
 * principal per service: the whole pipeline settles on such a broker, and a principal other
 * than payments' cannot write `transfers.requested`; a client without credentials, or with a
 * wrong password, cannot connect at all.
 */
describe('Kafka with SASL and ACLs', () => {
  let cluster: LocalKafkaCluster;
  let fx: PipelineFixture;
  const users = { admin: secret(), payments: secret(), ledger: secret(), intruder: secret() };

  beforeAll(async () => {
    cluster = await LocalKafkaCluster.start({
      version: pinnedVersions().kafka,
      sasl: { admin: 'admin', users },
    });
    fx = await PipelineFixture.create('kafka-acls', {
      kafka: {
        brokers: cluster.brokers,
        admin: cluster.credentials('admin'),
        payments: { username: 'payments', password: users.payments },
        ledger: { username: 'ledger', password: users.ledger },
      },
    });
    // The topics the services would create (settlement's and the relay's), made by the admin:
    // the services get no CREATE right.
    await ensureTopics(fx.kafka, [
      { topic: `${fx.topics.results}.dlq`, numPartitions: 1 },
      { topic: fx.relayPositionTopic, numPartitions: 1 },
    ]);
    await grantServiceAcls(fx);
    await fx.startLedger();
    await fx.startPayments();
  }, 180_000);
  afterAll(async () => {
    await fx?.close();
    await cluster?.stop();
  });

  const client = (sasl?: { username: string; password: string }) =>
    new Kafka({
      clientId: 'acl-test',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 3_000,
      ...(sasl && { sasl: { mechanism: 'scram-sha-512', ...sasl } }),
    });
  /** The error type a send to `topic` ends with, or `sent`. */
  const sendAs = async (kafka: Kafka, topic: string): Promise<string> => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    try {
      await producer.connect();
      await producer.send({ topic, messages: [{ value: '{"forged":true}' }] });
      return 'sent';
    } catch (error) {
      // kafkajs wraps the broker's error once it stops retrying.
      for (let e = error as KafkaError | undefined; e; e = e.cause ?? e.originalError) {
        if (e.type) return e.type;
      }
      return (error as Error).message;
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };

  it('settles transfers with each service as its own principal', async () => {
    const payer = await fx.openAccount(1_000n);
    const payee = await fx.openAccount();
    const [paid] = await fx.waitForFinal([(await fx.postTransfer(payer, payee, 250n)).id]);
    expect(paid?.status).toBe('completed');
    expect([await fx.balance(payer), await fx.balance(payee)]).toEqual([750n, 250n]);
  });

  it('refuses a record to transfers.requested from any principal but payments', async () => {
    const asLedger = client({ username: 'ledger', password: users.ledger });
    const asIntruder = client({ username: 'intruder', password: users.intruder });
    expect(await sendAs(asLedger, fx.topics.requested)).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await sendAs(asIntruder, fx.topics.requested)).toBe('TOPIC_AUTHORIZATION_FAILED');
    // Nor may payments forge a result.
    const asPayments = client({ username: 'payments', password: users.payments });
    expect(await sendAs(asPayments, fx.topics.results)).toBe('TOPIC_AUTHORIZATION_FAILED');
    // Nothing but the relay's records reached the topic.
    const ids = await fx.requestedEventIds();
    expect(ids.every((id) => !id.startsWith('no id'))).toBe(true);
  });

  it('lets no client in without valid credentials', async () => {
    // A PLAINTEXT client: the SASL listener closes the connection.
    expect(await sendAs(client(), fx.topics.requested)).toMatch(/closed connection/i);
    expect(
      await sendAs(client({ username: 'payments', password: 'wrong' }), fx.topics.requested),
    ).toMatch(/authentication failed/i);
  });
});

/**
 * The ACLs a deployment gives the services (README, Kafka): payments (relay and settlement) writes requests and reads
 * results; the ledger reads requests and writes results; each uses only its own groups and
 * transactional ids, and writes only its own dead letters.
 */
async function grantServiceAcls(fx: PipelineFixture): Promise<void> {
  const { topics } = fx;
  const allow = (
    principal: string,
    resourceType: AclResourceTypes,
    resourceName: string,
    operations: AclOperationTypes[],
    resourcePatternType = ResourcePatternTypes.LITERAL,
  ): AclEntry[] =>
    operations.map((operation) => ({
      principal: `User:${principal}`,
      host: '*',
      resourceType,
      resourceName,
      resourcePatternType,
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    }));
  const { TOPIC, GROUP, TRANSACTIONAL_ID } = AclResourceTypes;
  const { READ, WRITE, DESCRIBE, DESCRIBE_CONFIGS } = AclOperationTypes;
  const reads = [READ, DESCRIBE, DESCRIBE_CONFIGS];
  const writes = [WRITE, DESCRIBE, DESCRIBE_CONFIGS];
  const acl = [
    // payments: the relay
    ...allow('payments', TOPIC, topics.requested, writes),
    ...allow('payments', TOPIC, fx.relayPositionTopic, reads),
    ...allow('payments', GROUP, fx.relayTransactionalId, [READ, DESCRIBE]),
    ...allow('payments', TRANSACTIONAL_ID, fx.relayTransactionalId, [WRITE, DESCRIBE]),
    // payments: settlement
    ...allow('payments', TOPIC, topics.results, reads),
    ...allow('payments', TOPIC, `${topics.results}.dlq`, writes),
    ...allow('payments', GROUP, fx.settlementGroup, [READ, DESCRIBE]),
    ...allow(
      'payments',
      TRANSACTIONAL_ID,
      fx.settlementGroup,
      [WRITE, DESCRIBE],
      ResourcePatternTypes.PREFIXED,
    ),
    // the ledger
    ...allow('ledger', TOPIC, topics.requested, reads),
    ...allow('ledger', TOPIC, topics.results, writes),
    ...allow('ledger', TOPIC, topics.deadLetter, writes),
    ...allow('ledger', GROUP, fx.ledgerGroup, [READ, DESCRIBE]),
    ...allow(
      'ledger',
      TRANSACTIONAL_ID,
      fx.ledgerGroup,
      [WRITE, DESCRIBE],
      ResourcePatternTypes.PREFIXED,
    ),
  ];
  const admin = fx.kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
}
