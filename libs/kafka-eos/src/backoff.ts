/** Bounded exponential backoff with full jitter: attempt 0 → up to `initialMs`, capped at `maxMs`. */
export function backoffMs(attempt: number, initialMs = 100, maxMs = 5_000): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 20));
  return Math.round(Math.random() * ceiling);
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
