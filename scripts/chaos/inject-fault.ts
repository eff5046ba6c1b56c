import { setTimeout as sleep } from 'node:timers/promises';
import { waitForKafkaReady } from '../../test/infra/kafka-readiness.js';
import type { ServiceInstance } from '../../test/pipeline/pipeline-fixture.js';
import type { ChaosStack } from './chaos-stack.js';
import type { PlannedFault } from './fault-schedule.js';
import type { History } from './history.js';

/** The ledgers' KAFKA_SESSION_TIMEOUT_MS (set by the pipeline fixture). */
const LEDGER_SESSION_TIMEOUT_MS = 6_000;
/** A frozen ledger stays frozen this much longer than its session: the group has moved on. */
const PAUSE_PAST_SESSION_MS = 4_000;
const BROKER_DOWN_MS = 2_000;

/**
 * Injects one fault and recovers from it: a stopped process is started again, a frozen one
 * resumed, a stopped broker restarted and waited for. Returns when the stack is whole again.
 */
export async function injectFault(
  stack: ChaosStack,
  fault: PlannedFault,
  history: History,
): Promise<void> {
  switch (fault.kind) {
    case 'ledger-sigkill':
    case 'ledger-sigterm':
      await stopProcess(stack, pickLedger(stack, fault), fault.kind === 'ledger-sigkill', history);
      break;
    case 'payments-sigkill':
      await stopProcess(stack, stack.runningPayments(), true, history);
      break;
    case 'ledger-sigstop':
      await freezeLedger(pickLedger(stack, fault), history);
      break;
    case 'broker-sigterm':
    case 'broker-sigkill':
      await restartBroker(stack, fault.kind === 'broker-sigkill' ? 'SIGKILL' : 'SIGTERM', history);
      break;
  }
  await stack.ensureRunning();
}

function pickLedger(stack: ChaosStack, fault: PlannedFault): ServiceInstance | undefined {
  const ledgers = stack.runningLedgers();
  return ledgers[fault.ledgerIndex % ledgers.length];
}

async function stopProcess(
  stack: ChaosStack,
  instance: ServiceInstance | undefined,
  hard: boolean,
  history: History,
): Promise<void> {
  if (!instance) return history.event('fault-skipped', 'no such process running');
  const { process: p } = instance;
  stack.expectExit(instance);
  history.event('fault', `${hard ? 'SIGKILL' : 'SIGTERM'} ${p.name} pid ${p.pid}`);
  if (hard) {
    p.kill('SIGKILL');
    await p.exited;
  } else {
    // A clean shutdown that hangs ends in SIGKILL after the grace period.
    await p.stop(15_000);
  }
  const { code, signal } = await p.exited;
  history.event('exited', `${p.name} pid ${p.pid} with ${signal ?? `code ${code}`}`);
}

/** A zombie: SIGSTOP past the session timeout, so the group gives its partitions away, then SIGCONT. */
async function freezeLedger(
  instance: ServiceInstance | undefined,
  history: History,
): Promise<void> {
  if (!instance) return history.event('fault-skipped', 'no ledger running');
  const { process: p } = instance;
  history.event('fault', `SIGSTOP ledger pid ${p.pid}`);
  p.kill('SIGSTOP');
  await sleep(LEDGER_SESSION_TIMEOUT_MS + PAUSE_PAST_SESSION_MS);
  p.kill('SIGCONT');
  history.event('resumed', `SIGCONT ledger pid ${p.pid}`);
}

async function restartBroker(
  stack: ChaosStack,
  signal: 'SIGTERM' | 'SIGKILL',
  history: History,
): Promise<void> {
  const cluster = stack.infra.localKafka;
  if (!cluster) return history.event('fault-skipped', 'no local Kafka cluster to restart');
  const nodeId = cluster.nodes[0]?.nodeId ?? 1;
  history.event('fault', `${signal} Kafka broker ${nodeId}`);
  await cluster.stopNode(nodeId, signal);
  await sleep(BROKER_DOWN_MS);
  cluster.startNode(nodeId);
  await waitForKafkaReady(cluster.brokers, cluster.nodes.length);
  history.event('restarted', `Kafka broker ${nodeId} ready`);
}
