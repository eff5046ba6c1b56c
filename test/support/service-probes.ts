/** What a service's readiness check answered: the HTTP status and terminus's per-check details. */
export interface Readiness {
  status: number;
  checks: Record<string, { status: string } & Record<string, unknown>>;
}

/** `GET /health/ready` of the service at `url` (a 503 is an answer too, not an error). */
export async function readiness(url: string): Promise<Readiness> {
  const response = await fetch(`${url}/health/ready`);
  const body = (await response.json()) as { details?: Readiness['checks'] };
  return { status: response.status, checks: body.details ?? {} };
}

/** One Prometheus sample of the service at `url`, e.g. `relay_state{state="active"}` (NaN when absent). */
export async function metricValue(url: string, sample: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return Number(line?.split(' ')[1] ?? NaN);
}
