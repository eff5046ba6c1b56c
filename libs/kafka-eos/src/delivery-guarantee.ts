import type { KafkaClient, KafkaProducer } from './client/kafka-client.js';

/**
 * What a consume-transform-produce loop promises about each input record's outputs when a
 * process dies at the wrong instant. Only the order of "send outputs" and "commit the input
 * offset", and the producer settings, differ; fetching and handling are the same in all three.
 *
 * - `at-most-once`: the batch's offsets are committed (`commitOffsets`) before its records are
 *   handled; outputs go out through a plain producer with acks=1, no retries, no idempotence.
 *   Cheapest and lowest latency, but a crash after that commit loses the outputs of the rest of
 *   the batch, and a failed send is dropped. Never duplicates.
 * - `at-least-once`: each record's outputs are sent and awaited (acks=all, retries, no
 *   idempotence), and the offsets are committed (`commitOffsets`) after the whole batch. Nothing
 *   is lost, but a crash between a send and the offset commit re-delivers the batch and its
 *   outputs are sent again: consumers downstream must deduplicate.
 * - `exactly-once` (default): read_committed, one transactional producer per input partition, and
 *   each batch's outputs and next offset committed in one Kafka transaction (`sendOffsets`).
 *   Neither loses nor duplicates; costs a transaction per batch (a few round trips to the
 *   coordinator, plus commit markers in the logs) and latency up to the batch's commit for
 *   read_committed readers.
 */
export type DeliveryGuarantee = 'at-most-once' | 'at-least-once' | 'exactly-once';

export const deliveryGuarantees = ['at-most-once', 'at-least-once', 'exactly-once'] as const;

/** The acks a plain (non-transactional) producer sends with, per guarantee. */
export function plainProducerAcks(guarantee: Exclude<DeliveryGuarantee, 'exactly-once'>): 1 | -1 {
  return guarantee === 'at-most-once' ? 1 : -1;
}

/**
 * The one producer shared by all partitions when the guarantee is not exactly-once: idempotence
 * off, and retries only for at-least-once (a retry after a lost ack may write twice).
 */
export function createPlainProducer(
  kafka: KafkaClient,
  guarantee: Exclude<DeliveryGuarantee, 'exactly-once'>,
): KafkaProducer {
  return kafka.producer({
    acks: plainProducerAcks(guarantee),
    idempotent: false,
    retries: guarantee === 'at-most-once' ? 0 : 5,
  });
}
