import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import { entriesQuerySchema } from '#contracts';
import { ApiKeyGuard } from '../authentication/api-key.guard.js';
import { AuthenticatedClient } from '../authentication/authenticated-client.decorator.js';
import { ClientRateLimitGuard } from '../authentication/client-rate-limit.guard.js';
import { ApiErrorResponse } from '#http-errors';
import { requireJsonContentType } from '../http/json-body.js';
import { openApiSchema } from '../http/openapi-schema.js';
import {
  listAccountsQuerySchema,
  openAccountRequestSchema,
  parseEntriesQuery,
  parseListAccountsQuery,
  parseOpenAccountRequest,
} from './account.request.js';
import {
  accountPageSchema,
  accountSchema,
  entryPageSchema,
  type Account,
  type AccountPage,
  type EntryPage,
} from './account.response.js';
import { AccountsService } from './accounts.service.js';

const accountIdParam = ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } });
/** One `@ApiQuery` per parameter of the query schema, so the document follows validation. */
const ApiQueries = (schema: typeof listAccountsQuerySchema | typeof entriesQuerySchema) =>
  applyDecorators(
    ...Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) =>
      ApiQuery({
        name,
        required: false,
        description: field.description,
        schema: openApiSchema(field, 'input'),
      }),
    ),
  );

@ApiTags('accounts')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard, ClientRateLimitGuard)
@Controller('accounts')
export class AccountsHttpController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Open an account of your own',
    description:
      'Only its owner sees it and debits it; any client may credit it. It may never go ' +
      'negative, and money enters it only by transfers or by an operator funding it.',
  })
  @ApiBody({ schema: openApiSchema(openAccountRequestSchema, 'input') })
  @ApiResponse({ status: 201, description: 'Opened', schema: openApiSchema(accountSchema) })
  @ApiErrorResponse(400, 'MALFORMED_JSON or VALIDATION_FAILED')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  @ApiErrorResponse(415, 'UNSUPPORTED_MEDIA_TYPE')
  @ApiErrorResponse(503, 'LEDGER_UNAVAILABLE or DATABASE_UNAVAILABLE: retry later')
  async open(
    @AuthenticatedClient() clientId: string,
    @Headers() headers: IncomingHttpHeaders,
    @Body() body: unknown,
  ): Promise<Account> {
    requireJsonContentType(headers['content-type']);
    return this.accounts.open(clientId, parseOpenAccountRequest(body).currency);
  }

  @Get()
  @ApiOperation({ summary: 'Your accounts, oldest first, a page at a time' })
  @ApiQueries(listAccountsQuerySchema)
  @ApiResponse({ status: 200, description: 'One page', schema: openApiSchema(accountPageSchema) })
  @ApiErrorResponse(400, 'VALIDATION_FAILED')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  async list(
    @AuthenticatedClient() clientId: string,
    @Query() query: unknown,
  ): Promise<AccountPage> {
    return this.accounts.list(clientId, parseListAccountsQuery(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your accounts, with its balance' })
  @accountIdParam
  @ApiResponse({ status: 200, description: 'The account', schema: openApiSchema(accountSchema) })
  @ApiErrorResponse(400, 'INVALID_ACCOUNT_ID')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  @ApiErrorResponse(404, "ACCOUNT_NOT_FOUND: no such account, or another client's")
  @ApiErrorResponse(503, 'LEDGER_UNAVAILABLE: retry later')
  async get(@AuthenticatedClient() clientId: string, @Param('id') id: string): Promise<Account> {
    return this.accounts.get(clientId, id);
  }

  @Get(':id/entries')
  @ApiOperation({ summary: "One of your accounts' entries, oldest first" })
  @accountIdParam
  @ApiQueries(entriesQuerySchema)
  @ApiResponse({ status: 200, description: 'One page', schema: openApiSchema(entryPageSchema) })
  @ApiErrorResponse(400, 'INVALID_ACCOUNT_ID or VALIDATION_FAILED')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  @ApiErrorResponse(404, "ACCOUNT_NOT_FOUND: no such account, or another client's")
  @ApiErrorResponse(503, 'LEDGER_UNAVAILABLE: retry later')
  async entries(
    @AuthenticatedClient() clientId: string,
    @Param('id') id: string,
    @Query() query: unknown,
  ): Promise<EntryPage> {
    return this.accounts.entries(clientId, id, parseEntriesQuery(query));
  }
}
