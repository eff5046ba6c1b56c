import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error to the Kafka EOS transport as it was thrown. Nest's default RPC filter
 * replaces any error that is not an `RpcException` with `{ status: 'error', message }`, which
 * loses what the transport decides by: `retriable: true` (wait it out: a database outage),
 * `retriable: false` (poison: dead-letter it now), or neither (retry, then dead-letter). Apply it
 * to every controller of the transport: `@UseFilters(KafkaEosExceptionFilter)`.
 */
@Catch()
export class KafkaEosExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/** The shape Nest's default RPC filter turns an error into. */
export function isDefaultFilterError(error: unknown): error is { message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    !(error instanceof Error) &&
    (error as { status?: unknown }).status === 'error' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
