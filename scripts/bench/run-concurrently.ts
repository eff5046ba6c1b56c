/**
 * Runs `task` `count` times with at most `concurrency` running at once; returns the seconds
 * the whole set took. Each worker takes the next index, so no task runs twice.
 */
export async function runConcurrently(
  count: number,
  concurrency: number,
  task: (index: number, worker: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (id: number): Promise<void> => {
    for (let i = next++; i < count; i = next++) await task(i, id);
  };
  await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
  return (performance.now() - started) / 1000;
}
