import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import type { InputRecord, OutputRecord } from '../records.js';

const tracer = () => trace.getTracer('kafka-eos');

/**
 * One span per record a handler gets, a child of the context in the record's headers (W3C
 * `traceparent`); the records it answers with carry this span's context on. With no tracing SDK
 * registered the span is a no-op that carries the record's own context.
 */
export class RecordSpans {
  private readonly spans: Span[];

  constructor(pattern: string, records: InputRecord[]) {
    this.spans = records.map((record) =>
      tracer().startSpan(
        `${record.topic} process`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.destination.name': record.topic,
            'messaging.destination.partition.id': String(record.partition),
            'messaging.kafka.offset': Number(record.offset),
            'kafka_eos.pattern': pattern,
          },
        },
        propagation.extract(ROOT_CONTEXT, record.headers),
      ),
    );
  }

  /**
   * Runs a handler call inside the spans (a single record's span active: a batch has no one span
   * to choose) and returns each record's answers with its span's context in their headers. The
   * spans end with the call, marked failed if it throws.
   */
  async around(work: () => Promise<OutputRecord[][]>): Promise<OutputRecord[][]> {
    const [only] = this.spans;
    try {
      const outputs =
        this.spans.length === 1 && only
          ? await context.with(trace.setSpan(context.active(), only), work)
          : await work();
      return this.answered(outputs);
    } catch (error) {
      this.failed(error);
      throw error;
    }
  }

  private answered(outputs: OutputRecord[][]): OutputRecord[][] {
    const traced = outputs.map((answers, index) => {
      const span = this.spans[index];
      if (!span) return answers;
      const carrier: Record<string, string> = {};
      propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
      if (!carrier.traceparent) return answers;
      return answers.map((o) => ({ ...o, headers: { ...o.headers, ...carrier } }));
    });
    for (const span of this.spans) span.end();
    return traced;
  }

  private failed(error: unknown): void {
    for (const span of this.spans) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      span.end();
    }
  }
}
