import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '../../../..');

/**
 * The files that may name a client library: the adapters, and kafka-setup's ACLs (kafkajs; not in
 * the port).
 */
const allowed = [
  /^libs\/kafka-eos\/src\/client\/(kafkajs|confluent)\//,
  /^apps\/kafka-setup\/src\//,
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}

describe('the Kafka client port', () => {
  it('is the only way the services and libraries reach a Kafka client library', () => {
    const files = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))];
    const importing = files.filter((file) =>
      /from '(kafkajs|@confluentinc\/kafka-javascript)'/.test(
        readFileSync(join(root, file), 'utf8'),
      ),
    );
    expect(importing.length).toBeGreaterThan(0); // the adapter itself: the scan sees imports
    expect(importing.filter((file) => !allowed.some((a) => a.test(file)))).toEqual([]);
  });
});
