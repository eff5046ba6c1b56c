import { createTestDatabase, type TestDatabase } from '#test-infra';
import { startPaymentsApp, type PaymentsTestApp } from './payments-app.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
        parameters?: Array<{ name: string; in: string; required: boolean; schema: unknown }>;
        security?: Array<Record<string, string[]>>;
      }
    >
  >;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
  info: { description: string };
}

describe('OpenAPI', () => {
  let db: TestDatabase;
  let payments: PaymentsTestApp;

  beforeAll(async () => {
    db = await createTestDatabase('openapi');
    payments = await startPaymentsApp(db.url, { RELAY_MODE: 'off' });
  });
  afterAll(async () => {
    await payments?.close();
    await db?.drop();
  });

  it('serves a document describing the endpoints, the credentials and the error body', async () => {
    const response = await fetch(`${payments.managementUrl}/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenApiDocument;

    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths['/transfers'] ?? {})).toContain('post');
    expect(Object.keys(document.paths['/transfers/{id}'] ?? {})).toContain('get');
    expect(Object.keys(document.paths['/transfers']!.post!.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '413', '415', '422']),
    );
    expect(Object.keys(document.paths['/transfers/{id}']!.get!.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '404']),
    );
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer']);
    expect(document.components.schemas.ErrorBody).toMatchObject({
      required: ['statusCode', 'code', 'message'],
    });
  });

  it('puts every operation behind an API key and states the credentials and the ownership rule', async () => {
    const document = (await (
      await fetch(`${payments.managementUrl}/docs-json`)
    ).json()) as OpenApiDocument;
    const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ route: `${method} ${path}`, op })),
    );
    expect(routes.map((r) => r.route)).toEqual(
      expect.arrayContaining([
        'post /accounts',
        'get /accounts',
        'get /accounts/{id}',
        'get /accounts/{id}/entries',
        'post /admin/accounts',
        'post /admin/fundings',
        'get /admin/fundings/{id}',
      ]),
    );
    for (const { route, op } of routes) {
      expect([route, op.security]).toEqual([
        route,
        expect.arrayContaining([{ bearer: [] }, { apiKey: [] }]),
      ]);
    }
    expect(Object.keys(document.paths['/admin/fundings']!.post!.responses)).toEqual(
      expect.arrayContaining(['401', '403', '422']),
    );
    expect(document.info.description).toMatch(/ADMIN_API_KEYS/);
    expect(document.info.description).toMatch(/404 ACCOUNT_NOT_FOUND/);
  });

  it('describes GET /transfers: its query parameters and a page of transfers', async () => {
    const document = (await (
      await fetch(`${payments.managementUrl}/docs-json`)
    ).json()) as OpenApiDocument;
    const list = document.paths['/transfers']?.get;
    expect(list).toBeDefined();
    expect(Object.keys(list!.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(
      list!.parameters?.map(({ name, in: place, required }) => [name, place, required]),
    ).toEqual([
      ['status', 'query', false],
      ['olderThanSeconds', 'query', false],
      ['limit', 'query', false],
      ['cursor', 'query', false],
    ]);
    const parameter = (name: string) => list!.parameters!.find((p) => p.name === name)!.schema;
    expect(parameter('status')).toMatchObject({ enum: ['pending', 'completed', 'rejected'] });
    expect(parameter('limit')).toMatchObject({ type: 'string', pattern: '^[0-9]{1,10}$' });
    expect(list!.responses['200']!.content!['application/json']!.schema).toMatchObject({
      properties: {
        transfers: {
          type: 'array',
          items: { properties: { status: { enum: ['pending', 'completed', 'rejected'] } } },
        },
        nextCursor: { nullable: true },
      },
      required: ['transfers', 'nextCursor'],
    });
  });

  it('serves Swagger UI and its assets', async () => {
    const page = await fetch(`${payments.managementUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('swagger-ui');

    const init = await fetch(`${payments.managementUrl}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    const bundle = await fetch(`${payments.managementUrl}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
  });
});
