import { InfraUnavailableError, selectInfra, type InfraProbes } from './select-infra.js';

function probes(overrides: Partial<Record<keyof InfraProbes, unknown>> = {}): InfraProbes & {
  calls: string[];
} {
  const calls: string[] = [];
  const value =
    <T>(name: keyof InfraProbes, fallback: T) =>
    async () => {
      calls.push(name);
      return (name in overrides ? overrides[name] : fallback) as T;
    };
  return {
    calls,
    dockerAvailable: value('dockerAvailable', false),
    localKafkaMissing: value('localKafkaMissing', []),
    localPostgresMissing: value('localPostgresMissing', []),
  };
}

describe('selectInfra', () => {
  it('uses addresses from the environment and probes nothing', async () => {
    const p = probes({ dockerAvailable: true });
    const choice = await selectInfra(
      { KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://db/x' },
      p,
    );
    expect(choice).toEqual({
      kafka: { kind: 'env', address: 'k:9092' },
      postgres: { kind: 'env', address: 'postgres://db/x' },
    });
    expect(p.calls).toEqual([]);
  });

  it('prefers testcontainers when a Docker engine answers, even if local mode could run', async () => {
    const p = probes({ dockerAvailable: true });
    const choice = await selectInfra({}, p);
    expect(choice).toEqual({ kafka: { kind: 'docker' }, postgres: { kind: 'docker' } });
    expect(p.calls).toEqual(['dockerAvailable']);
  });

  it('falls back to local mode without Docker', async () => {
    const choice = await selectInfra({}, probes());
    expect(choice).toEqual({ kafka: { kind: 'local' }, postgres: { kind: 'local' } });
  });

  it('decides each resource on its own', async () => {
    const choice = await selectInfra(
      { DATABASE_URL: 'postgres://db/x' },
      probes({ dockerAvailable: true }),
    );
    expect(choice.kafka).toEqual({ kind: 'docker' });
    expect(choice.postgres).toEqual({ kind: 'env', address: 'postgres://db/x' });
  });

  it('treats a blank variable as unset', async () => {
    const choice = await selectInfra({ KAFKA_BROKERS: '  ' }, probes());
    expect(choice.kafka).toEqual({ kind: 'local' });
  });

  it('fails at once, naming what is missing and how to provide it', async () => {
    const p = probes({ localKafkaMissing: ['java >= 17 on PATH', 'mvn on PATH'] });
    const failure = selectInfra({}, p);
    await expect(failure).rejects.toBeInstanceOf(InfraUnavailableError);
    await expect(failure).rejects.toThrow(
      /KAFKA_BROKERS=.*\n.*Docker engine.*\n.*java >= 17 on PATH; mvn on PATH/,
    );
  });

  it('reports a missing local PostgreSQL', async () => {
    await expect(
      selectInfra(
        {},
        probes({ localPostgresMissing: ['PostgreSQL at 127.0.0.1:5432 (ECONNREFUSED)'] }),
      ),
    ).rejects.toThrow(/DATABASE_URL=.*[\s\S]*ECONNREFUSED/);
  });
});
