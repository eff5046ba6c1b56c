import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { AccountsService } from '../accounts/accounts.service.js';
import {
  adminOpenAccountRequestSchema,
  parseAdminOpenAccountRequest,
} from '../accounts/account.request.js';
import { accountSchema, type Account } from '../accounts/account.response.js';
import { LedgerClient } from '../accounts/ledger.client.js';
import { AdminKeyGuard } from '../authentication/admin-key.guard.js';
import { AuthenticatedClient } from '../authentication/authenticated-client.decorator.js';
import { paymentsConfig, type PaymentsConfig } from '../config/payments.config.js';
import { ValidationFailedError } from '../errors/request-errors.js';
import { ApiErrorResponse } from '#http-errors';
import { requireJsonContentType } from '../http/json-body.js';
import { openApiSchema } from '../http/openapi-schema.js';
import { traceparentFor } from '../tracing/traceparent.js';
import { CreateTransferService } from '../transfers/create-transfer/create-transfer.service.js';
import { parseIdempotencyKey } from '../transfers/create-transfer/idempotency-key.js';
import { GetTransferService } from '../transfers/get-transfer/get-transfer.service.js';
import {
  acceptedTransferSchema,
  transferSchema,
  type AcceptedTransfer,
  type Transfer,
} from '../transfers/transfer.response.js';
import { fundingRequestSchema, parseFundingRequest } from './funding.request.js';

/**
 * Operators' door (`ADMIN_API_KEYS`): the only way money enters the ledger, and the only way to
 * open an account allowed to go negative. A funding is an ordinary transfer from the currency's
 * funding account, through the outbox like any other, so it is applied once, shows in the
 * ledger's entries, and keeps the books summing to zero.
 */
@ApiTags('admin')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@UseGuards(AdminKeyGuard)
@Controller('admin')
export class AdminHttpController {
  private readonly clients: ReadonlySet<string>;

  constructor(
    private readonly accounts: AccountsService,
    private readonly ledger: LedgerClient,
    private readonly createTransfer: CreateTransferService,
    private readonly getTransfer: GetTransferService,
    @Inject(paymentsConfig.KEY) config: PaymentsConfig,
  ) {
    this.clients = new Set(config.apiKeys.values());
  }

  @Post('accounts')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Open an account for a client (admin key)' })
  @ApiBody({ schema: openApiSchema(adminOpenAccountRequestSchema, 'input') })
  @ApiResponse({ status: 201, description: 'Opened', schema: openApiSchema(accountSchema) })
  @ApiErrorResponse(400, 'MALFORMED_JSON or VALIDATION_FAILED (also a client not in API_KEYS)')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  @ApiErrorResponse(403, 'FORBIDDEN: a client key, not an admin key')
  @ApiErrorResponse(503, 'LEDGER_UNAVAILABLE or DATABASE_UNAVAILABLE: retry later')
  async openAccount(
    @Headers() headers: IncomingHttpHeaders,
    @Body() body: unknown,
  ): Promise<Account> {
    requireJsonContentType(headers['content-type']);
    const { clientId, currency, allowNegative } = parseAdminOpenAccountRequest(body);
    if (!this.clients.has(clientId)) {
      throw new ValidationFailedError([
        { field: 'clientId', message: 'is not a client of API_KEYS' },
      ]);
    }
    return this.accounts.open(clientId, currency, allowNegative);
  }

  @Post('fundings')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Fund an account from outside the ledger (admin key)',
    description:
      "A transfer from the currency's funding account to the account, settled like any " +
      'other: poll `GET /admin/fundings/:id`. Idempotent per admin and Idempotency-Key.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'Unique per funding, reused on retries; 1 to 255 printable ASCII characters',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  })
  @ApiBody({ schema: openApiSchema(fundingRequestSchema, 'input') })
  @ApiResponse({
    status: HttpStatus.ACCEPTED,
    description: 'Accepted; the ledger posts it asynchronously',
    schema: openApiSchema(acceptedTransferSchema),
  })
  @ApiErrorResponse(400, 'MALFORMED_JSON, VALIDATION_FAILED or IDEMPOTENCY_KEY_MISSING')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  @ApiErrorResponse(403, 'FORBIDDEN: a client key, not an admin key')
  @ApiErrorResponse(404, 'ACCOUNT_NOT_FOUND')
  @ApiErrorResponse(422, 'IDEMPOTENCY_KEY_REUSED')
  @ApiErrorResponse(503, 'LEDGER_UNAVAILABLE or DATABASE_UNAVAILABLE: retry with the same key')
  async fund(
    @AuthenticatedClient() adminId: string,
    @Headers() headers: IncomingHttpHeaders,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<AcceptedTransfer> {
    requireJsonContentType(headers['content-type']);
    const idempotencyKey = parseIdempotencyKey(headers['idempotency-key']);
    const { accountId, amount, currency } = parseFundingRequest(body);
    const accountCurrency = await this.accounts.currencyOf(accountId, 'accountId');
    if (accountCurrency !== currency) {
      throw new ValidationFailedError([
        { field: 'currency', message: `must be the account's currency, ${accountCurrency}` },
      ]);
    }
    const result = await this.createTransfer.execute({
      clientId: adminId,
      idempotencyKey,
      request: {
        debitAccountId: await this.ledger.fundingAccount(currency),
        creditAccountId: accountId,
        amount,
        currency,
      },
      traceparent: traceparentFor(headers.traceparent),
      // The debit is the ledger's funding account; the credited account was read above.
      accounts: 'none',
    });
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return result.transfer;
  }

  @Get('fundings/:id')
  @ApiOperation({ summary: "A funding's status (admin key)" })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiResponse({ status: 200, description: 'The funding', schema: openApiSchema(transferSchema) })
  @ApiErrorResponse(400, 'INVALID_TRANSFER_ID')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  @ApiErrorResponse(403, 'FORBIDDEN')
  @ApiErrorResponse(404, 'TRANSFER_NOT_FOUND: not a funding of this admin')
  async funding(
    @AuthenticatedClient() adminId: string,
    @Param('id') id: string,
  ): Promise<Transfer> {
    return this.getTransfer.execute(adminId, id);
  }
}
