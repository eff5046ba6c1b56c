import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { runWithLogContext, traceIdOf } from '#logging';

/**
 * Middleware: a server span per request, a child of the caller's `traceparent`, active while the
 * request is handled (so the outbox row of a transfer carries it), ended when the response is.
 * Log lines written meanwhile carry its trace id.
 */
export function traceRequests(
  request: IncomingMessage,
  response: ServerResponse,
  next: () => void,
): void {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const span = trace.getTracer('payments-http').startSpan(
    `${request.method ?? 'GET'} ${path}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method ?? 'GET', 'url.path': path },
    },
    parent,
  );
  response.once('close', () => {
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  const header = request.headers.traceparent;
  const traceId = isSpanContextValid(span.spanContext())
    ? span.spanContext().traceId
    : traceIdOf(typeof header === 'string' ? header : undefined);
  context.with(trace.setSpan(parent, span), () => runWithLogContext({ traceId }, next));
}
