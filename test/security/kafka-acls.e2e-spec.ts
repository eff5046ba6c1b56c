import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { KafkajsClient } from '#kafka-eos';
import { LocalKafkaCluster, pinnedVersions } from '#test-infra';
import { setUpPipelineKafka } from '../../apps/kafka-setup/src/service-access.js';
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
    // What a deployment's set-up job does (apps/kafka-setup), as the admin: the services get
    // no right to create topics. The relay runs in payments here, so they share a principal.
    const admin = new KafkajsClient({
      clientId: 'kafka-acls-setup',
      brokers: cluster.brokers,
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
      sasl: cluster.credentials('admin'),
    });
    await setUpPipelineKafka(admin, {
      names: {
        requested: fx.topics.requested,
        results: fx.topics.results,
        requestedDeadLetter: fx.topics.deadLetter,
        resultsDeadLetter: `${fx.topics.results}.dlq`,
        relayTransactionalId: fx.relayTransactionalId,
        relayPositionTopic: fx.relayPositionTopic,
        settlementGroup: fx.settlementGroup,
        ledgerGroup: fx.ledgerGroup,
      },
      principals: { relay: 'payments', settlement: 'payments', ledger: 'ledger' },
      partitions: 3,
    });
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
