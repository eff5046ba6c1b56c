import { jest } from '@jest/globals';
import { JsonLogger } from './json-logger.js';
import { addToLogContext, runWithLogContext, traceIdOf } from './log-context.js';

function captureStdout(work: () => void): string[] {
  const lines: string[] = [];
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      lines.push(chunk.toString());
      return true;
    });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('JsonLogger', () => {
  it('writes one JSON object per line with the log context', () => {
    const logger = new JsonLogger('ledger');
    const [line] = captureStdout(() =>
      runWithLogContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }, () => {
        addToLogContext({ transferId: 't-1' });
        logger.log('applied', 'Posting');
      }),
    );
    expect(JSON.parse(line ?? '')).toMatchObject({
      level: 'log',
      message: 'applied',
      context: 'Posting',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      transferId: 't-1',
    });
  });

  it('leaves the fields out outside a context', () => {
    const [line] = captureStdout(() => new JsonLogger('ledger').log('idle'));
    expect(JSON.parse(line ?? '')).not.toHaveProperty('transferId');
  });
});

describe('traceIdOf', () => {
  it('reads the trace id of a version-00 traceparent', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(traceIdOf('garbage')).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });
});
