import type { PaymentsConfig } from '../config/payments.config.js';
import { RateLimitedError } from '../errors/request-errors.js';
import { ClientRateLimiter } from './client-rate-limit.guard.js';

const limiter = (requests: number, windowMs = 1_000) =>
  new ClientRateLimiter({ rateLimit: { requests, windowMs } } as PaymentsConfig);

describe('ClientRateLimiter', () => {
  it('allows the limit per window, refuses the next with the seconds left, and starts again', () => {
    const l = limiter(2, 10_000);
    l.take('a', 0);
    l.take('a', 1);
    expect(() => l.take('a', 2_500)).toThrow(RateLimitedError);
    try {
      l.take('a', 2_500);
    } catch (error) {
      expect((error as RateLimitedError).retryAfterSeconds).toBe(8);
    }
    expect(() => l.take('a', 10_000)).not.toThrow();
  });

  it('keeps one budget per client', () => {
    const l = limiter(1);
    l.take('a', 0);
    expect(() => l.take('b', 0)).not.toThrow();
    expect(() => l.take('a', 0)).toThrow(RateLimitedError);
  });

  it('never refuses with a limit of 0', () => {
    const l = limiter(0);
    for (let i = 0; i < 10_000; i++) l.take('a', 0);
  });
});
