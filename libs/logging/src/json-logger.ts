import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { currentLogContext } from './log-context.js';

/**
 * Nest's console logger in JSON mode (one object per line), with the current log context
 * (`traceId`, `transferId`) on every line, so a transfer can be followed across processes.
 */
export class JsonLogger extends ConsoleLogger {
  constructor(service: string) {
    super(service, { json: true });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: {
      context: string;
      logLevel: LogLevel;
      writeStreamType?: 'stdout' | 'stderr';
      errorStack?: unknown;
    },
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    return { ...super.getJsonLogObject(message, options), ...currentLogContext() };
  }
}

/** `LOG_FORMAT=pretty` keeps Nest's coloured lines for local reading; JSON otherwise. */
export function createLogger(service: string): ConsoleLogger {
  return process.env.LOG_FORMAT === 'pretty' ? new ConsoleLogger(service) : new JsonLogger(service);
}
