/**
 * `npm run lab:brokers [-- --seed N --messages N --faults N --systems rabbitmq,jetstream,kafka]`:
 * seed 000's table of delivery guarantees, measured. Per system and per mode it offers, the same
 * numbered messages go through two faults, each injected by a proxy between client and server:
 * a publish whose confirm is lost after the server stored it, and a consumer that crashes between
 * its work and its ack (or, acking first, between its ack and its work). One table of what was
 * lost and duplicated; written to .chaos/lab-brokers-<seed>.json too.
 *
 * Exit code 1 when a count that a mode promises to keep at zero is not zero (see `mustBeZero`).
 * RabbitMQ (127.0.0.1:5672, guest) and NATS with JetStream (127.0.0.1:4222) must be running;
 * Kafka is started locally, one node behind a KafkaFaultProxy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test/infra/repo-root.js';
import type { BrokerLab } from './lab-brokers/cell.js';
import { JetStreamLab } from './lab-brokers/jetstream-lab.js';
import { KafkaLab } from './lab-brokers/kafka-lab.js';
import { parseLabOptions, type SystemName } from './lab-brokers/lab-options.js';
import { RabbitMqLab } from './lab-brokers/rabbitmq-lab.js';
import { formatTable, type CellResult } from './lab-brokers/report.js';
import { cellOk, FAULTS, mustBeZero, tally } from './lab-brokers/tally.js';
import { makeWorkload } from './lab-brokers/workload.js';

const LABS: Record<SystemName, () => BrokerLab> = {
  rabbitmq: () => new RabbitMqLab(),
  jetstream: () => new JetStreamLab(),
  kafka: () => new KafkaLab((line) => console.log(`[lab] kafka: ${line}`)),
};

async function main(): Promise<boolean> {
  const options = parseLabOptions(process.argv.slice(2));
  const workload = makeWorkload(options.seed, options.messages, options.faults);
  const started = Date.now();
  const cells: CellResult[] = [];
  for (const name of options.systems) {
    const lab = LABS[name]();
    console.log(`\n[lab] ${lab.system}: starting`);
    await lab.start();
    try {
      for (const mode of lab.modes)
        for (const fault of FAULTS) {
          const t0 = Date.now();
          const run = await lab.run(mode, fault, workload);
          const counts = tally(workload.ids, run.processed);
          const asserted = mustBeZero(lab.system, mode, fault);
          const faults = { planned: options.faults, applied: run.faultsApplied };
          const cell: CellResult = {
            system: lab.system,
            mode,
            fault,
            ...counts,
            faultsPlanned: faults.planned,
            faultsApplied: faults.applied,
            ...(run.note !== undefined && { note: run.note }),
            asserted,
            ok: cellOk(counts, asserted, faults),
            seconds: (Date.now() - t0) / 1000,
          };
          cells.push(cell);
          console.log(
            `[lab] ${lab.system} ${mode} ${fault}: lost ${cell.lost}, duplicated ${cell.duplicated}, faults ${faults.applied}/${faults.planned} (${cell.seconds.toFixed(1)} s)`,
          );
        }
    } finally {
      await lab.stop();
    }
  }
  console.log(
    `\n[lab] seed ${options.seed}, ${options.messages} messages and ${options.faults} faults per cell, ${((Date.now() - started) / 1000).toFixed(0)} s:\n`,
  );
  console.log(formatTable(cells));
  const dir = join(repoRoot(), '.chaos');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `lab-brokers-${options.seed}.json`),
    `${JSON.stringify({ ...options, faultIds: [...workload.faultIds], cells }, null, 1)}\n`,
  );
  const failed = cells.filter((c) => !c.ok);
  for (const c of failed)
    console.log(
      `[lab] FAILED: ${c.system} ${c.mode} ${c.fault}: must be 0: ${c.asserted.join(', ')}`,
    );
  return failed.length === 0;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error('[lab] aborted:', error);
    process.exit(1);
  },
);
