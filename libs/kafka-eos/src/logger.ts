/** Where the machinery logs: Nest's `Logger` fits, as does the project's own logger. */
export interface EosLogger {
  log(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}
