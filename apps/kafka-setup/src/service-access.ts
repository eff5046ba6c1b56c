import kafkajs, { type AclEntry } from 'kafkajs';
import {
  ensureTopics,
  type KafkajsClient,
  type ReplicationPolicy,
  type TopicSpec,
} from '#kafka-eos';

// kafkajs is CommonJS: its enums are properties of the default export under Node's ESM loader.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
type AclOperationTypes = kafkajs.AclOperationTypes;
type AclResourceTypes = kafkajs.AclResourceTypes;
type ResourcePatternTypes = kafkajs.ResourcePatternTypes;

/** The Kafka resources of the pipeline, by role (each has a default in #contracts). */
export interface PipelineKafkaNames {
  requested: string;
  results: string;
  /** The ledger's dead letters (requests it cannot apply). */
  requestedDeadLetter: string;
  /** Settlement's dead letters (results it cannot apply). */
  resultsDeadLetter: string;
  relayTransactionalId: string;
  relayPositionTopic: string;
  /** Also the prefix of settlement's transactional ids. */
  settlementGroup: string;
  /** Also the prefix of the ledger's transactional ids. */
  ledgerGroup: string;
}

/** The SASL user of each Kafka client of the pipeline; the relay and settlement may share one. */
export interface PipelinePrincipals {
  relay: string;
  settlement: string;
  ledger: string;
}

/** Every topic the services use, as they would create it (they get no right to). */
export function pipelineTopics(names: PipelineKafkaNames, partitions: number): TopicSpec[] {
  return [
    { topic: names.requested, numPartitions: partitions },
    { topic: names.results, numPartitions: partitions },
    { topic: names.requestedDeadLetter, numPartitions: 1 },
    { topic: names.resultsDeadLetter, numPartitions: 1 },
    { topic: names.relayPositionTopic, numPartitions: 1 },
  ];
}

/**
 * Least privilege, deny by default: the relay alone writes requests, under its transactional
 * id; the ledger alone reads requests and writes results and its dead letters; settlement reads
 * results and writes its dead letters. Each uses only its own group and transactional ids, and
 * none may create, delete or reconfigure a topic or touch another's group.
 */
export function pipelineAcls(names: PipelineKafkaNames, who: PipelinePrincipals): AclEntry[] {
  const { TOPIC, GROUP, TRANSACTIONAL_ID } = AclResourceTypes;
  const { READ, WRITE, DESCRIBE, DESCRIBE_CONFIGS } = AclOperationTypes;
  const { LITERAL, PREFIXED } = ResourcePatternTypes;
  const reads = [READ, DESCRIBE, DESCRIBE_CONFIGS];
  const writes = [WRITE, DESCRIBE, DESCRIBE_CONFIGS];
  type Grant = [string, AclResourceTypes, string, AclOperationTypes[], ResourcePatternTypes?];
  const grants: Grant[] = [
    [who.relay, TOPIC, names.requested, writes],
    [who.relay, TOPIC, names.relayPositionTopic, reads],
    [who.relay, GROUP, names.relayTransactionalId, [READ, DESCRIBE]],
    [who.relay, TRANSACTIONAL_ID, names.relayTransactionalId, [WRITE, DESCRIBE]],
    [who.ledger, TOPIC, names.requested, reads],
    [who.ledger, TOPIC, names.results, writes],
    [who.ledger, TOPIC, names.requestedDeadLetter, writes],
    [who.ledger, GROUP, names.ledgerGroup, [READ, DESCRIBE]],
    [who.ledger, TRANSACTIONAL_ID, names.ledgerGroup, [WRITE, DESCRIBE], PREFIXED],
    [who.settlement, TOPIC, names.results, reads],
    [who.settlement, TOPIC, names.resultsDeadLetter, writes],
    [who.settlement, GROUP, names.settlementGroup, [READ, DESCRIBE]],
    [who.settlement, TRANSACTIONAL_ID, names.settlementGroup, [WRITE, DESCRIBE], PREFIXED],
  ];
  const entries = grants.flatMap(([principal, resourceType, resourceName, operations, pattern]) =>
    operations.map((operation) => ({
      principal: `User:${principal}`,
      host: '*',
      resourceType,
      resourceName,
      resourcePatternType: pattern ?? LITERAL,
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
  // The relay and settlement may be one principal (payments with the relay embedded).
  const unique = new Map(entries.map((e) => [JSON.stringify(e), e]));
  return [...unique.values()];
}

/**
 * Creates the pipeline's topics and grants its ACLs, as a principal allowed to (a super user).
 * Idempotent: existing topics are kept, and an ACL granted twice is one ACL.
 */
export async function setUpPipelineKafka(
  kafka: KafkajsClient,
  plan: {
    names: PipelineKafkaNames;
    principals: PipelinePrincipals;
    partitions: number;
    replication?: ReplicationPolicy;
  },
): Promise<{ topics: number; acls: number }> {
  const topics = pipelineTopics(plan.names, plan.partitions);
  await ensureTopics(kafka, topics, plan.replication);
  const acl = pipelineAcls(plan.names, plan.principals);
  // ACLs are kafka-setup's alone and not part of the client port: kafkajs's admin writes them.
  const admin = kafka.kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
  return { topics: topics.length, acls: acl.length };
}
