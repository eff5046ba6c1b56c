import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosStack } from './chaos-stack.js';
import type { History, TransferRequest } from './history.js';
import { Prng } from './prng.js';
import { postTransfer } from './transfer-client.js';

const CLIENTS = 4;
/** Up to a third of an opening balance: some transfers must be rejected for funds. */
const MAX_AMOUNT = 7_000;
/** A client's pause between requests, so a 60 s run makes hundreds of transfers, not tens of thousands. */
const THINK_MS = { min: 20, max: 120 };
/** How long an unknown outcome waits before its retry with the same key. */
const RETRY_AFTER_MS = 1_000;

interface Unresolved {
  request: TransferRequest;
  retryAtMs: number;
}

/**
 * A few concurrent clients sending transfers between the funded accounts. An unknown outcome
 * leaves the request in `unresolved`; some client retries it later with the same idempotency key
 * until it gets a definite answer. `drain` resolves what is left after the clients stop.
 */
export class Workload {
  private readonly unresolved: Unresolved[] = [];
  private readonly attempts = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly stack: ChaosStack,
    private readonly history: History,
    private readonly seed: number,
  ) {}

  /** Runs the clients until `stop()`; resolves when all have finished their last request. */
  async run(): Promise<void> {
    await Promise.all(Array.from({ length: CLIENTS }, (_, client) => this.client(client)));
  }

  stop(): void {
    this.stopped = true;
  }

  /** Retries every unresolved request until it has a definite answer, or the deadline passes. */
  async drain(deadlineMs: number): Promise<number> {
    while (this.unresolved.length > 0 && Date.now() < deadlineMs) {
      const item = this.unresolved.shift();
      if (item) await this.send(-1, item.request);
      if (this.unresolved.length > 0) await sleep(200);
    }
    return this.unresolved.length;
  }

  /** Each client has its own PRNG, so its sequence of new requests depends only on the seed. */
  private async client(client: number): Promise<void> {
    const prng = new Prng(this.seed * 31 + client + 1);
    for (let n = 1; !this.stopped;) {
      // Between a kill and the restart there is nobody to ask: nothing is sent, nothing recorded.
      if (!this.stack.runningPayments()) {
        await sleep(200);
        continue;
      }
      const request =
        this.dueRetry() ?? this.newRequest(prng, `chaos-${this.seed}-c${client}-${n++}`);
      await this.send(client, request);
      await sleep(prng.int(THINK_MS.min, THINK_MS.max));
    }
  }

  private async send(client: number, request: TransferRequest): Promise<void> {
    const attempt = (this.attempts.get(request.idempotencyKey) ?? 0) + 1;
    this.attempts.set(request.idempotencyKey, attempt);
    const startMs = this.history.now();
    const answer = await postTransfer(this.stack.runningPayments()?.url, request);
    this.history.record({
      client,
      request,
      attempt,
      startMs,
      endMs: this.history.now(),
      ...answer,
    });
    if (answer.outcome === 'unknown') {
      this.unresolved.push({ request, retryAtMs: Date.now() + RETRY_AFTER_MS });
    } else if (answer.outcome === 'fail') {
      this.history.event('definite-fail', `${request.idempotencyKey}: ${answer.detail}`);
    }
  }

  private dueRetry(): TransferRequest | undefined {
    const i = this.unresolved.findIndex((u) => u.retryAtMs <= Date.now());
    return i >= 0 ? this.unresolved.splice(i, 1)[0]?.request : undefined;
  }

  private newRequest(prng: Prng, idempotencyKey: string): TransferRequest {
    const debit = prng.pick(this.stack.accounts);
    const credit = prng.pick(this.stack.accounts.filter((a) => a !== debit));
    return {
      idempotencyKey,
      debitAccountId: debit,
      creditAccountId: credit,
      amount: String(prng.int(1, MAX_AMOUNT)),
    };
  }
}
