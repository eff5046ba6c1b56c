import kafkajs from 'kafkajs';
import { loadConfig } from '#config';
import { ledgerEnvSchema } from '../../ledger/src/config/ledger.config.js';
import { paymentsEnvSchema } from '../../payments/src/config/payments.config.js';
import { loadKafkaSetupConfig } from './kafka-setup.config.js';
import { pipelineAcls } from './service-access.js';

const ledger = loadConfig(ledgerEnvSchema, {
  LEDGER_API_TOKEN: 'a-ledger-token-of-32-characters-0',
});
const payments = loadConfig(paymentsEnvSchema, { API_KEYS: 'demo:a-client-key-of-16+' });

describe('kafka-setup config', () => {
  it('names by default what the services use by default (the ACLs grant those)', () => {
    expect(loadKafkaSetupConfig({}).names).toEqual({
      requested: ledger.topics.transferRequested,
      results: ledger.topics.transferResults,
      requestedDeadLetter: ledger.topics.deadLetter,
      resultsDeadLetter: `${payments.topics.transferResults}.dlq`,
      relayTransactionalId: payments.relay.transactionalId,
      relayPositionTopic: payments.relay.positionTopic,
      settlementGroup: payments.settlement.consumerGroup,
      ledgerGroup: ledger.posting.consumerGroup,
    });
    expect(payments.topics.transferRequested).toBe(ledger.topics.transferRequested);
  });

  it('follows a service’s override when given the same variable', () => {
    const env = { TOPIC_TRANSFER_RESULTS: 'results.v2', SETTLEMENT_CONSUMER_GROUP: 'settle-2' };
    const { names } = loadKafkaSetupConfig(env);
    const overridden = loadConfig(paymentsEnvSchema, {
      ...env,
      API_KEYS: 'demo:a-client-key-of-16+',
    });
    expect([names.results, names.resultsDeadLetter, names.settlementGroup]).toEqual([
      overridden.topics.transferResults,
      'results.v2.dlq',
      overridden.settlement.consumerGroup,
    ]);
  });

  it('grants no principal a right on the cluster, and one principal per write', () => {
    const { names, principals } = loadKafkaSetupConfig({});
    const acls = pipelineAcls(names, principals);
    const { TOPIC } = kafkajs.AclResourceTypes;
    const { WRITE } = kafkajs.AclOperationTypes;
    const writers = (topic: string) =>
      acls
        .filter(
          (a) => a.resourceType === TOPIC && a.resourceName === topic && a.operation === WRITE,
        )
        .map((a) => a.principal);
    expect(acls.every((a) => a.resourceName !== 'kafka-cluster')).toBe(true);
    expect(writers(names.requested)).toEqual(['User:relay']);
    expect(writers(names.results)).toEqual(['User:ledger']);
    expect(writers(names.resultsDeadLetter)).toEqual(['User:payments']);
  });
});
