// Jest global setup for integration and end-to-end tests: one Kafka and one PostgreSQL for the
// whole run; their addresses reach the test workers through the environment.
// Plain JavaScript on purpose: jest loads global setup with Node's own ESM loader, which cannot
// follow TypeScript imports, so this loads the compiled infrastructure (`npm test` builds first).
const { startInfra } = await import('../../dist/test/infra/start-infra.js');

export default async function globalSetup() {
  const say = (line) => void process.stdout.write(`[test-infra] ${line}\n`);
  say('');
  const infra = await startInfra({ log: say });
  globalThis.__EOS_INFRA__ = infra;
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.DATABASE_URL = infra.databaseUrl;
  process.env.EOS_KAFKA_BROKER_VERSION = infra.kafkaVersion;
  for (const line of infra.summary) say(line);
}
