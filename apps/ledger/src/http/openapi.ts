import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** The security scheme's name in the document (controllers refer to it). */
export const SERVICE_TOKEN = 'serviceToken';

const description = `
The ledger's **internal** API: payments calls it; clients never do (they reach their accounts
through the payments API, which checks who owns them). Not published outside the deployment.

**Credential.** Every route but \`/health\` needs the service token (\`LEDGER_API_TOKEN\`, 32+
characters, no default) as \`Authorization: Bearer <token>\`; without it the answer is
\`401 UNAUTHENTICATED\`.

**No route moves money.** Balances change only by postings, and postings come only from
\`transfers.requested\` (one per transfer, exactly once). Here payments opens accounts, with ids
it chose (idempotent), reads them and their entries, and finds a currency's funding account.

**Errors** have the body \`{ statusCode, code, message, details? }\`: \`VALIDATION_FAILED\` (400),
\`UNAUTHENTICATED\` (401), \`ACCOUNT_NOT_FOUND\` (404), \`ACCOUNT_EXISTS\` (409, an id opened with
other terms), \`DATABASE_UNAVAILABLE\` (503).
`;

/** The OpenAPI document at /docs-json and Swagger UI at /docs, on the management listener only. */
export function setUpLedgerOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Ledger internal API')
    .setDescription(description)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'service token' }, SERVICE_TOKEN)
    .build();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, config));
}
