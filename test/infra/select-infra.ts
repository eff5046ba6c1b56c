/**
 * Where the tests get their Kafka broker and PostgreSQL server from, decided per resource in
 * this order: an address in the environment, a Docker engine (testcontainers), the local
 * machine (Kafka from Maven Central, the local PostgreSQL). No fallback past that: the run stops
 * with a message that says what is missing.
 */
export type InfraSource = { kind: 'env'; address: string } | { kind: 'docker' } | { kind: 'local' };

export interface InfraChoice {
  kafka: InfraSource;
  postgres: InfraSource;
}

/** What the machine offers. Each probe is called only when the choice depends on it. */
export interface InfraProbes {
  dockerAvailable(): Promise<boolean>;
  /** What local Kafka lacks (e.g. "java >= 17 on PATH"); empty when it can run. */
  localKafkaMissing(): Promise<string[]>;
  /** What the local PostgreSQL lacks; empty when it answers. */
  localPostgresMissing(): Promise<string[]>;
}

export class InfraUnavailableError extends Error {
  override readonly name = 'InfraUnavailableError';
}

export async function selectInfra(
  env: Record<string, string | undefined>,
  probes: InfraProbes,
): Promise<InfraChoice> {
  const kafkaAddress = env.KAFKA_BROKERS?.trim();
  const postgresAddress = env.DATABASE_URL?.trim();
  let docker: boolean | undefined;
  const dockerAvailable = async (): Promise<boolean> => (docker ??= await probes.dockerAvailable());

  const choose = async (
    address: string | undefined,
    localMissing: () => Promise<string[]>,
    what: string,
    envName: string,
  ): Promise<InfraSource> => {
    if (address) return { kind: 'env', address };
    if (await dockerAvailable()) return { kind: 'docker' };
    const missing = await localMissing();
    if (missing.length === 0) return { kind: 'local' };
    throw new InfraUnavailableError(
      `No ${what} for the tests. Provide one of:\n` +
        `  - ${envName}=... pointing at a running ${what};\n` +
        `  - a reachable Docker engine (testcontainers starts one);\n` +
        `  - local mode, which here lacks: ${missing.join('; ')}.`,
    );
  };

  const kafka = await choose(
    kafkaAddress,
    () => probes.localKafkaMissing(),
    'Kafka broker',
    'KAFKA_BROKERS',
  );
  const postgres = await choose(
    postgresAddress,
    () => probes.localPostgresMissing(),
    'PostgreSQL server',
    'DATABASE_URL',
  );
  return { kafka, postgres };
}
