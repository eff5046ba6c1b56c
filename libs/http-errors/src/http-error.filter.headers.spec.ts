import {
  Logger,
  ServiceUnavailableException,
  type ArgumentsHost,
  type HttpServer,
} from '@nestjs/common';
import {
  RateLimitedError,
  UnauthenticatedError,
} from '../../../apps/payments/src/errors/request-errors.js';
import { CodedError } from './error-codes.js';
import { HttpErrorFilter, type HttpErrorFilterOptions } from './http-error.filter.js';

/** The headers the two apps differ in: as configure-payments-app.ts and configure-ledger-app.ts. */
const payments: HttpErrorFilterOptions = { databaseRetry: 'r', authenticateScheme: 'Bearer' };
const ledger: HttpErrorFilterOptions = { databaseRetry: 'retry later' };

/** Catches `exception` with the filter set up with `options`; what it answered. */
function answer(exception: unknown, options: HttpErrorFilterOptions) {
  const headers: Record<string, string> = {};
  let reply: { body?: unknown; status?: number } = {};
  const adapter = {
    setHeader: (_: unknown, name: string, value: string) => (headers[name] = value),
    reply: (_: unknown, body: unknown, status: number) => (reply = { body, status }),
  } as unknown as HttpServer;
  const host = { switchToHttp: () => ({ getResponse: () => ({}) }) } as ArgumentsHost;
  new HttpErrorFilter(adapter, options).catch(exception, host);
  return { ...reply, headers };
}

describe('HttpErrorFilter', () => {
  // The 503s are logged as warnings: not of interest here.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  const outage = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

  it('asks for a Bearer credential with a 401 in payments, not in the ledger', () => {
    expect(answer(new UnauthenticatedError(), payments).headers).toEqual({
      'WWW-Authenticate': 'Bearer',
    });
    const unauthenticated = new CodedError('UNAUTHENTICATED', 'm');
    expect(answer(unauthenticated, ledger)).toMatchObject({ status: 401, headers: {} });
  });

  it.each([
    ['payments', payments],
    ['the ledger', ledger],
  ])('sends Retry-After: 1 with a 503 in %s', (_, options) => {
    expect(answer(outage, options)).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '1' },
    });
  });

  it("sends a 429's own Retry-After", () => {
    expect(answer(new RateLimitedError(7), payments)).toMatchObject({
      status: 429,
      body: { code: 'RATE_LIMITED' },
      headers: { 'Retry-After': '7' },
    });
  });

  it("keeps a deliberate 503's status and body (the readiness report)", () => {
    const report = { status: 'error', info: {} };
    expect(answer(new ServiceUnavailableException(report), ledger)).toEqual({
      status: 503,
      body: report,
      headers: {},
    });
  });
});
