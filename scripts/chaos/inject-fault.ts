import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../../test/infra/wait-for.js';
import { waitForKafkaReady } from '../../test/infra/kafka-readiness.js';
import { transactionCoordinatorNode } from '../../test/support/transaction-coordinator.js';
import type { ServiceInstance } from '../../test/pipeline/pipeline-fixture.js';
import type { ChaosStack } from './chaos-stack.js';
import type { PlannedFault } from './fault-schedule.js';
import type { History } from './history.js';
import { exhaustConnections, readOnlyFor } from '../../test/support/database-faults.js';
import { RELAY_TRANSACTION_TIMEOUT_MS } from './chaos-stack.js';
import { injectPoison } from './inject-poison.js';

/** The ledgers' KAFKA_SESSION_TIMEOUT_MS (set by the pipeline fixture). */
const LEDGER_SESSION_TIMEOUT_MS = 6_000;
/** A frozen ledger stays frozen this much longer than its session: the group has moved on. */
const PAUSE_PAST_SESSION_MS = 4_000;
const BROKER_DOWN_MS = 2_000;
const POSTGRES_DOWN_MS = 2_000;
/**
 * A frozen relay stays frozen this much longer than its transaction timeout: the coordinator
 * looks for timed-out transactions every second (test brokers) and aborts them. Well under the
 * relay's lease timeout (10 s), so it keeps its lease.
 */
const RELAY_PAST_TIMEOUT_MS = 3_000;
/** Frozen for less than LEDGER_SESSION_TIMEOUT_MS, so the group keeps its assignment. */
const BACKLOG_MS = 3_000;
/** After the resume: long enough to be inside the first large batch, too short to finish it. */
const KILL_AFTER_RESUME_MS = 200;
/** How long an added ledger runs next to the others before an older one is removed. */
const SCALE_SETTLE_MS = 5_000;

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
    case 'payments-sigterm':
      await stopProcess(stack, stack.runningPayments(), fault.kind === 'payments-sigkill', history);
      break;
    case 'relay-sigkill':
    case 'relay-sigterm':
      await stopProcess(stack, stack.runningRelay(), fault.kind === 'relay-sigkill', history);
      break;
    case 'ledger-backlog-sigkill':
      await killMidBacklog(stack, fault, history);
      break;
    case 'ledger-scale':
      await scaleLedgers(stack, fault, history);
      break;
    case 'ledger-sigstop':
      await freezeLedger(pickLedger(stack, fault), history);
      break;
    case 'broker-sigterm':
    case 'broker-sigkill':
      await restartBroker(stack, fault, history);
      break;
    case 'coordinator-sigkill':
      await restartBroker(stack, fault, history);
      break;
    case 'postgres-restart':
    case 'postgres-crash':
      await restartPostgres(stack, fault.kind === 'postgres-crash' ? 'immediate' : 'fast', history);
      break;
    case 'postgres-connections':
    case 'postgres-read-only':
      await starvePostgres(stack, fault.kind, history);
      break;
    case 'relay-paused-past-timeout':
      await pauseRelayPastTimeout(stack, history);
      break;
    case 'poison-injection':
      await injectPoison(stack, history);
      break;
  }
  await stack.ensureRunning();
}

function pickLedger(stack: ChaosStack, fault: PlannedFault): ServiceInstance | undefined {
  const ledgers = stack.runningLedgers();
  return ledgers[fault.target % ledgers.length];
}

/**
 * Freezes every ledger for less than a session (no rebalance) while the clients go on, so a
 * backlog builds up; resumes them, and kills one while it works through its first large batch.
 */
async function killMidBacklog(
  stack: ChaosStack,
  fault: PlannedFault,
  history: History,
): Promise<void> {
  const ledgers = stack.runningLedgers();
  const victim = pickLedger(stack, fault);
  if (!victim) return history.event('fault-skipped', 'no ledger running');
  history.event('fault', `SIGSTOP every ledger for ${BACKLOG_MS} ms, then SIGKILL one mid-batch`);
  for (const l of ledgers) l.process.kill('SIGSTOP');
  await sleep(BACKLOG_MS);
  for (const l of ledgers) l.process.kill('SIGCONT');
  await sleep(KILL_AFTER_RESUME_MS);
  await stopProcess(stack, victim, true, history);
}

/** Adds a ledger (a rebalance), lets it take partitions, then stops an older one cleanly (another). */
async function scaleLedgers(
  stack: ChaosStack,
  fault: PlannedFault,
  history: History,
): Promise<void> {
  const older = pickLedger(stack, fault);
  history.event('fault', `ledger added, then ledger pid ${older?.process.pid} removed`);
  await stack.startLedger();
  await sleep(SCALE_SETTLE_MS);
  await stopProcess(stack, older, false, history);
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

/** Restarts the run's own PostgreSQL: `fast` is a clean shutdown, `immediate` a crash. */
async function restartPostgres(
  stack: ChaosStack,
  mode: 'fast' | 'immediate',
  history: History,
): Promise<void> {
  if (!stack.postgres) return history.event('fault-skipped', 'no PostgreSQL of the run to restart');
  history.event('fault', `PostgreSQL ${mode === 'fast' ? 'restart' : 'crash (immediate stop)'}`);
  await stack.postgres.restart(mode, POSTGRES_DOWN_MS);
  history.event('restarted', 'PostgreSQL accepting connections');
}

/**
 * The run's PostgreSQL starved for a while: every connection taken by another client (and the
 * services' sessions ended, so they must reconnect), or the server read-only (as after a
 * failover). Outages to wait out: nothing may be dead-lettered for them.
 */
async function starvePostgres(
  stack: ChaosStack,
  kind: 'postgres-connections' | 'postgres-read-only',
  history: History,
): Promise<void> {
  if (!stack.postgres) return history.event('fault-skipped', 'no PostgreSQL of the run to starve');
  if (kind === 'postgres-connections') {
    history.event('fault', 'PostgreSQL: every connection taken by another client, sessions ended');
    const held = await exhaustConnections(stack.postgres.url, POSTGRES_DOWN_MS);
    history.event('restarted', `PostgreSQL connections released (the hog held ${held})`);
  } else {
    history.event('fault', 'PostgreSQL read-only (default_transaction_read_only)');
    await readOnlyFor(stack.postgres.url, POSTGRES_DOWN_MS);
    history.event('restarted', 'PostgreSQL writable again');
  }
}

/**
 * The relay replaced by one that freezes (SIGSTOP) inside a Kafka transaction and stays frozen
 * past its transaction timeout, so its coordinator aborts the transaction and bumps its epoch;
 * resumed, it must carry on with a new producer, not stop as fenced.
 */
async function pauseRelayPastTimeout(stack: ChaosStack, history: History): Promise<void> {
  await stopProcess(stack, stack.runningRelay(), false, history);
  // One attempt: it may freeze before its HTTP API answers, and a second relay must not start.
  await stack.startRelay({ EOS_PAUSE_AT: 'relay.before-kafka-commit' }, 1).catch(() => undefined);
  const relay = stack.fx.relays.at(-1);
  if (!relay) return history.event('fault-skipped', 'no relay started');
  const frozen = await waitFor(() => relay.process.log.includes('relay.before-kafka-commit'), {
    description: 'the relay frozen in a transaction',
    timeoutMs: 20_000,
  }).catch(() => false);
  if (!frozen) {
    history.event('fault-skipped', 'the relay had nothing to publish: it never froze');
    return;
  }
  history.event('fault', `relay pid ${relay.process.pid} frozen inside its Kafka transaction`);
  await sleep(RELAY_TRANSACTION_TIMEOUT_MS + RELAY_PAST_TIMEOUT_MS);
  relay.process.kill('SIGCONT');
  history.event('resumed', `SIGCONT relay pid ${relay.process.pid}`);
}

/** Stops one Kafka node (SIGTERM: clean; SIGKILL: crash), starts it again and waits for the cluster. */
async function restartBroker(
  stack: ChaosStack,
  fault: PlannedFault,
  history: History,
): Promise<void> {
  const cluster = stack.infra.localKafka;
  if (!cluster) return history.event('fault-skipped', 'no local Kafka cluster to restart');
  const signal = fault.kind === 'broker-sigterm' ? 'SIGTERM' : 'SIGKILL';
  const nodeId =
    fault.kind === 'coordinator-sigkill'
      ? await transactionCoordinatorNode(stack.fx.kafka, stack.fx.relayTransactionalId)
      : (cluster.nodes[fault.target % cluster.nodes.length]?.nodeId ?? 1);
  const role = fault.kind === 'coordinator-sigkill' ? ' (the relay transaction coordinator)' : '';
  history.event('fault', `${signal} Kafka node ${nodeId}${role}`);
  await cluster.stopNode(nodeId, signal);
  await sleep(BROKER_DOWN_MS);
  cluster.startNode(nodeId);
  await waitForKafkaReady(cluster.brokers, cluster.nodes.length);
  history.event('restarted', `Kafka broker ${nodeId} ready`);
}
