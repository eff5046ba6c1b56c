import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { errorBodySchema } from '#http-errors';
import { openApiSchema } from './openapi-schema.js';

const description = `
Accepts money transfers and reports their outcome. A transfer is accepted with \`202\` and
status \`pending\`; the ledger settles it asynchronously (\`completed\` or \`rejected\`).

**Credentials.** A client's API key (\`API_KEYS\`) opens accounts of its own, reads them and
debits them; any client may credit any open account. An operator's key (\`ADMIN_API_KEYS\`)
funds accounts (\`/admin/fundings\`, the only way money enters) and opens accounts allowed to go
negative; a client key there is \`403 FORBIDDEN\`, an admin key elsewhere \`401\`. Another
client's account answers exactly as an unknown one: \`404 ACCOUNT_NOT_FOUND\`.

**Idempotency.** Every \`POST /transfers\` carries an \`Idempotency-Key\`, unique per transfer and
reused on retries. Keys are scoped to the authenticated client. A retry with the same key and
body answers the original response again, with \`Idempotent-Replayed: true\`; the same key with
another body is refused with \`422 IDEMPOTENCY_KEY_REUSED\`.

**Errors** have the body \`{ statusCode, code, message, details? }\`. Codes:

| status | code | when |
| --- | --- | --- |
| 400 | MALFORMED_JSON | the body is not JSON, or not an object or array |
| 400 | VALIDATION_FAILED | invalid body fields (also the same account on both sides), an invalid Idempotency-Key, or an invalid or unknown query parameter; \`details\` lists each |
| 400 | IDEMPOTENCY_KEY_MISSING | no or an empty Idempotency-Key header |
| 400 | INVALID_TRANSFER_ID | the transfer id in the path is not a UUID |
| 400 | INVALID_ACCOUNT_ID | the account id in the path is not a UUID |
| 401 | UNAUTHENTICATED | no or an unknown API key |
| 403 | FORBIDDEN | a client key on an operator's route |
| 404 | TRANSFER_NOT_FOUND | no transfer with this id for this client |
| 404 | ACCOUNT_NOT_FOUND | no such account of this client (or, credited, no such account at all) |
| 404 | NOT_FOUND | no such route |
| 413 | PAYLOAD_TOO_LARGE | the body is over 16 KiB |
| 413 | EVENT_TOO_LARGE | the event the request would publish is over 64 KiB (no valid transfer request comes near) |
| 415 | UNSUPPORTED_MEDIA_TYPE | the body is not \`application/json\` in UTF-8 |
| 422 | IDEMPOTENCY_KEY_REUSED | the key was used with another body |
| 429 | RATE_LIMITED | this API key sent more than \`RATE_LIMIT_REQUESTS\` requests in its window; wait \`Retry-After\` seconds |
| 500 | INTERNAL_ERROR | a fault on our side; retry with the same Idempotency-Key |
| 503 | DATABASE_UNAVAILABLE, LEDGER_UNAVAILABLE | a dependency is down; retry after \`Retry-After\` seconds |
`;

/** The OpenAPI document at /docs-json and Swagger UI at /docs, on the management listener only. */
export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Payments API')
    .setDescription(description)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ErrorBody: openApiSchema(errorBodySchema) },
  };
  SwaggerModule.setup('docs', app, document);
}
