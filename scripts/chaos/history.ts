/**
 * The run's history, Jepsen style: every client operation with its invocation and completion
 * time and an outcome of ok (the API accepted it), fail (it definitely did not) or unknown
 * (timeout, connection error, 5xx: it may or may not have been created), plus every fault and
 * process event. Times are milliseconds since the run started.
 */
export type Outcome = 'ok' | 'fail' | 'unknown';

export interface TransferRequest {
  idempotencyKey: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: string;
}

export interface Operation {
  client: number;
  request: TransferRequest;
  /** 1 for the first attempt of a key, 2+ for retries with the same key. */
  attempt: number;
  startMs: number;
  endMs: number;
  outcome: Outcome;
  /** The transfer id the API answered (ok only). */
  transferId?: string;
  /** Status code or error message (fail / unknown). */
  detail?: string;
}

export interface RunEvent {
  atMs: number;
  kind: string;
  detail: string;
}

export class History {
  readonly operations: Operation[] = [];
  readonly events: RunEvent[] = [];
  private readonly startedAt = Date.now();

  now(): number {
    return Date.now() - this.startedAt;
  }

  record(operation: Operation): void {
    this.operations.push(operation);
  }

  event(kind: string, detail: string): void {
    this.events.push({ atMs: this.now(), kind, detail });
    console.log(`[chaos] ${(this.now() / 1000).toFixed(1).padStart(6)}s ${kind}: ${detail}`);
  }

  /** Ids the API answered with, per idempotency key (more than one id for a key is a bug). */
  acceptedIdsByKey(): Map<string, Set<string>> {
    const byKey = new Map<string, Set<string>>();
    for (const op of this.operations) {
      if (op.outcome !== 'ok' || !op.transferId) continue;
      const ids = byKey.get(op.request.idempotencyKey) ?? new Set<string>();
      ids.add(op.transferId);
      byKey.set(op.request.idempotencyKey, ids);
    }
    return byKey;
  }

  /** Keys whose attempts include at least one unknown outcome. */
  keysWithUnknownOutcome(): Set<string> {
    return new Set(
      this.operations
        .filter((op) => op.outcome === 'unknown')
        .map((op) => op.request.idempotencyKey),
    );
  }
}
