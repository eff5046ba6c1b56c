import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import { currencySchema, entriesQuerySchema, isUuid } from '#contracts';
import { CodedError } from '#http-errors';
import { SERVICE_TOKEN } from '../http/openapi.js';
import { ServiceTokenGuard } from '../http/service-token.guard.js';
import { AccountsRepository, type AccountView, type EntryView } from './accounts.repository.js';

// The same field schemas as the payments API and the events: an account opened here in a
// currency can be used in any transfer the API accepts in that currency.
// `id`: chosen by payments, so that a retried open finds the account it opened the first time.
const openAccountBody = z
  .object({
    id: z.uuid().transform((id) => id.toLowerCase()),
    currency: currencySchema,
    allowNegative: z.boolean().default(false),
  })
  .strict();
function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new CodedError(
    'VALIDATION_FAILED',
    'the request is invalid',
    result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
  );
}

/**
 * The ledger's internal HTTP API (payments calls it with the service token): open an account,
 * read it and its entries, find a currency's funding account. There is no way to move money
 * here: every posting comes from `transfers.requested`.
 */
@ApiTags('internal')
@ApiBearerAuth(SERVICE_TOKEN)
@ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: no or a wrong service token' })
@UseGuards(ServiceTokenGuard)
@Controller()
export class AccountsHttpController {
  constructor(private readonly accounts: AccountsRepository) {}

  /** Idempotent: the same id and terms again answer the account as it is now. */
  @Post('accounts')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Open an account with an id payments chose (idempotent on that id)',
    description: 'Body: `{ id (uuid), currency (ISO 4217), allowNegative? }`.',
  })
  @ApiConflictResponse({ description: 'ACCOUNT_EXISTS: the id is open with other terms' })
  async open(@Body() body: unknown): Promise<AccountView> {
    const { id, currency, allowNegative } = parse(openAccountBody, body);
    const account = await this.accounts.open(id, currency, allowNegative);
    if (account.currency !== currency || account.allowNegative !== allowNegative) {
      throw new CodedError('ACCOUNT_EXISTS', `account ${id} exists with other terms`);
    }
    return account;
  }

  @Get('accounts/:id')
  @ApiOperation({ summary: 'An account and its balance' })
  @ApiNotFoundResponse({ description: 'ACCOUNT_NOT_FOUND' })
  async get(@Param('id') id: string): Promise<AccountView> {
    return this.existing(id);
  }

  @Get('accounts/:id/entries')
  @ApiOperation({ summary: 'Its postings, newest first (`limit`, `after`)' })
  @ApiNotFoundResponse({ description: 'ACCOUNT_NOT_FOUND' })
  async entries(
    @Param('id') id: string,
    @Query() query: unknown,
  ): Promise<{ entries: EntryView[] }> {
    const account = await this.existing(id);
    const { limit, after } = parse(entriesQuerySchema, query);
    return { entries: await this.accounts.entries(account.id, limit, after) };
  }

  /** The account money enters from, in that currency; created on first use. */
  @Put('funding-accounts/:currency')
  @HttpCode(200)
  @ApiOperation({ summary: "The currency's funding account (where fundings are debited)" })
  async fundingAccount(@Param('currency') currency: string): Promise<{ id: string }> {
    const code = parse(currencySchema, currency);
    return { id: await this.accounts.fundingAccount(code) };
  }

  private async existing(id: string): Promise<AccountView> {
    const account = isUuid(id) ? await this.accounts.find(id.toLowerCase()) : undefined;
    if (!account) throw new CodedError('ACCOUNT_NOT_FOUND', `no account ${id}`);
    return account;
  }
}
