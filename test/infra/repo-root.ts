import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file that holds nest-cli.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nest-cli.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the repository root (nest-cli.json)');
    dir = parent;
  }
  return dir;
}

/**
 * Versions pinned in the repository's `.env`, the one file docker compose, testcontainers and
 * local mode all read, so that every path runs the same Kafka.
 */
export function pinnedVersions(): { kafka: string; postgres: string } {
  const text = readFileSync(join(repoRoot(), '.env'), 'utf8');
  const read = (name: string): string => {
    const match = new RegExp(`^${name}=(\\S+)$`, 'm').exec(text);
    if (!match?.[1]) throw new Error(`.env does not pin ${name}`);
    return match[1];
  };
  return { kafka: read('KAFKA_VERSION'), postgres: read('POSTGRES_VERSION') };
}
