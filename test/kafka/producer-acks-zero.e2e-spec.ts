import { Kafka, logLevel } from 'kafkajs';
import { uniqueName } from '#test-infra';
import { readCommitted } from '../support/read-topic.js';

/**
 * Seed 002's at-most-once producer: with acks=0 the broker sends no answer and the producer does
 * not wait for one, so a record the broker refuses is gone without the producer knowing (and
 * with nothing to react to, retries never start). The same record sent with acks=all is refused
 * to the producer's face. The refusal here: a record larger than the topic's max.message.bytes.
 */
describe('a producer with acks=0', () => {
  const kafka = new Kafka({
    clientId: 'acks-zero-e2e',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });

  it('hears nothing of a record the broker refused, and the record is not written', async () => {
    const topic = uniqueName('acks-zero');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '1024' }] },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
    const tooLarge = { key: 'k', value: 'x'.repeat(4096) };
    const producer = kafka.producer({ idempotent: false });
    await producer.connect();
    try {
      await expect(producer.send({ topic, acks: -1, messages: [tooLarge] })).rejects.toThrow(
        /too large|larger/i,
      );
      // It resolves with no record metadata: no answer came back, so there is no offset and no
      // error code to report.
      expect(await producer.send({ topic, acks: 0, messages: [tooLarge] })).toEqual([]);
    } finally {
      await producer.disconnect();
    }

    expect(await readCommitted(kafka, topic)).toEqual([]);
  });
});
