import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';

/** Routes for operators only: scraped by Prometheus, read by developers. */
const MANAGEMENT_ROUTE = /^\/(metrics|docs)(?=[/?-]|$)/i;
/** Routes both listeners serve: orchestrators probe either. */
const SHARED_ROUTE = /^\/health(?=[/?]|$)/i;

/** Connections accepted by a management listener. */
const managementSockets = new WeakSet<Socket>();

export interface Listening {
  /** The public listener: the API, and /health. */
  url: string;
  /** The management listener: /metrics, /docs, and /health. */
  managementUrl: string;
}

/**
 * Keeps management routes off the public listener and API routes off the management one: each
 * answers the other's routes `404 NOT_FOUND`, as a route that does not exist; `/health` is on
 * both. One Express app serves both listeners, told apart by the socket a request came in on.
 * Call first when configuring the app: middleware and routes registered before it (Swagger's)
 * would be reached on either listener.
 */
export function routeManagementApart(app: INestApplication): void {
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    const onManagement = managementSockets.has(request.socket);
    const path = decodedPath(request.url);
    if (path === undefined || SHARED_ROUTE.test(path)) return next();
    if (MANAGEMENT_ROUTE.test(path) === onManagement) return next();
    response.statusCode = 404;
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(
      JSON.stringify({
        statusCode: 404,
        code: 'NOT_FOUND',
        message: onManagement
          ? 'The management port serves /metrics, /docs and /health only.'
          : `Cannot ${request.method ?? 'GET'} ${path}`,
      }),
    );
  });
}

/**
 * Serves the app on two ports: the public one (`port`) with the API, and a management one
 * (`managementPort`, never published) with `/metrics` and `/docs`; `/health` on both. In place
 * of `app.listen`, for an app configured with `routeManagementApart`.
 */
export async function listenWithManagement(
  app: INestApplication,
  { port, managementPort, host }: { port: number; managementPort: number; host?: string },
): Promise<Listening> {
  await (host === undefined ? app.listen(port) : app.listen(port, host));
  // The Express app: a request listener for node:http like any other.
  const handler = app.getHttpAdapter().getInstance() as (
    req: IncomingMessage,
    res: ServerResponse,
  ) => void;
  const management = createServer(handler);
  management.on('connection', (socket: Socket) => managementSockets.add(socket));
  await new Promise<void>((resolve, reject) => {
    management.once('error', reject);
    management.listen(managementPort, host, () => resolve());
  });
  const publicServer = app.getHttpServer() as Server;
  // Closed with the app (its shutdown hooks close the public listener).
  publicServer.once('close', () => {
    management.closeAllConnections();
    management.close();
  });
  const base = (address: AddressInfo) => `http://${host ?? '127.0.0.1'}:${address.port}`;
  return {
    url: base(publicServer.address() as AddressInfo),
    managementUrl: base(management.address() as AddressInfo),
  };
}

/** The request's path, decoded and without its query (undefined if it does not decode). */
function decodedPath(url = '/'): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
}
