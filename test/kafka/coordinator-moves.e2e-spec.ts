import { TransactionalProducer, TransactionFailedError, type TransactionScope } from '#kafka-eos';
import { uniqueName, waitFor } from '#test-infra';
import { readCommitted } from '../support/read-topic.js';
import { transactionCoordinatorNode } from '../support/transaction-coordinator.js';
import { ownThreeNodeCluster } from './three-node-cluster.js';

/**
 * The project's kafkajs patch keeps a producer's transaction coordinator instead of asking for
 * it before every request. Kept too long, a coordinator whose node died would be asked forever
 * (a transactional send retries without limit) and the producer would hang. Here the node is
 * killed between two transactions of one producer and stays down: the next transaction must
 * commit, on the same producer or on a new one after a retriable failure, as services do.
 */
describe('a transaction after its coordinator node died', () => {
  const own = ownThreeNodeCluster('coordinator-moves-e2e');

  it('finds the new coordinator and commits', async () => {
    const kafka = own.kafka();
    const topic = uniqueName('coordinator-moves');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 3 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const transactionalId = uniqueName('coordinator-moves');
    const send = (value: string) => (tx: TransactionScope) =>
      tx.send([{ topic, messages: [{ value }] }]);

    let producer = await TransactionalProducer.start(own.client(), transactionalId);
    // The coordinator is now known to the producer.
    await producer.inTransaction(send('before'));
    const coordinator = await transactionCoordinatorNode(kafka, transactionalId);
    await own.cluster().stopNode(coordinator, 'SIGKILL');

    await waitFor(
      async () => {
        try {
          await producer.inTransaction(send('after'));
          return true;
        } catch (error) {
          if (!(error instanceof TransactionFailedError) || !error.retriable) throw error;
          await producer.close();
          producer = await TransactionalProducer.start(own.client(), transactionalId);
          return false;
        }
      },
      { description: 'a transaction after the coordinator died', timeoutMs: 90_000 },
    );
    await producer.close();

    const values = (await readCommitted(kafka, topic)).map((r) => r.value);
    expect(values).toEqual(['before', 'after']);
  }, 150_000);
});
