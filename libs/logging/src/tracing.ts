import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import { loadConfig } from '#config';

/** Tracing's settings, validated at start-up like every other. */
export const tracingSettingsSchema = z.object({
  /** An OTLP/HTTP collector (e.g. http://otel-collector:4318): spans are exported there. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** How long finished spans wait to be sent in one export (ms). */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().positive().default(5_000),
});

const SERVICE_NAME = Symbol('TRACING_SERVICE_NAME');

/**
 * W3C trace context through `@opentelemetry/api`: the propagator and an async context manager are
 * always registered, so a span's context reaches every call and record it causes; real spans are
 * recorded and exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Without it
 * the API's spans are no-ops that carry the caller's context on unchanged.
 */
@Injectable()
export class Tracing implements OnApplicationShutdown {
  private readonly provider?: TracerProvider;
  private readonly contextManager = new AsyncLocalStorageContextManager();

  constructor(@Inject(SERVICE_NAME) serviceName: string) {
    const settings = loadConfig(tracingSettingsSchema);
    context.setGlobalContextManager(this.contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT;
    if (!endpoint) return;
    const exporter = new OTLPTraceExporter({
      url: new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).href,
    });
    this.provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [
        new BatchSpanProcessor({
          exporter,
          scheduledDelayMillis: settings.OTEL_BSP_SCHEDULE_DELAY,
        }),
      ],
    });
    trace.setGlobalTracerProvider(this.provider);
  }

  /** Whether spans are recorded and exported. */
  get exporting(): boolean {
    return this.provider !== undefined;
  }

  /** Last of the shutdown: the spans of the final batches are sent, then the globals cleared. */
  async onApplicationShutdown(): Promise<void> {
    await this.provider?.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  }
}

/** Tracing for one service (`service.name` of its spans); import it in the root module. */
@Global()
@Module({})
export class TracingModule {
  static forRoot(serviceName: string): DynamicModule {
    return {
      module: TracingModule,
      providers: [{ provide: SERVICE_NAME, useValue: serviceName }, Tracing],
      exports: [Tracing],
    };
  }
}

/** The W3C `traceparent` of the active span, if there is one. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}
