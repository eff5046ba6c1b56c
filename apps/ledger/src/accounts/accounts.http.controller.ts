import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { z } from 'zod';
import { amountSchema, currencySchema, isUuid } from '#contracts';
import { AccountsRepository, type AccountView, type EntryView } from './accounts.repository.js';

// The same field schemas as the payments API and the events: an account opened here in a
// currency can be used in any transfer the API accepts in that currency.
const openAccountBody = z
  .object({ currency: currencySchema, allowNegative: z.boolean().default(false) })
  .strict();
const fundBody = z.object({ amount: amountSchema }).strict();
/** `entries.id` is a bigint: a larger `after` would fail the SQL comparison, not match nothing. */
const MAX_ENTRY_ID = 2n ** 63n - 1n;
const entriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  after: z
    .string()
    .regex(/^\d{1,19}$/, { message: 'must be an entry id: digits, at most 19', abort: true })
    .refine((id) => BigInt(id) <= MAX_ENTRY_ID, `must be at most ${MAX_ENTRY_ID}`)
    .optional(),
});

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequestException({
    statusCode: 400,
    code: 'VALIDATION_FAILED',
    message: 'the request is invalid',
    details: result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
  });
}

/** The ledger's HTTP API: open, read and fund accounts, list their entries. */
@Controller('accounts')
export class AccountsHttpController {
  constructor(private readonly accounts: AccountsRepository) {}

  @Post()
  @HttpCode(201)
  async open(@Body() body: unknown): Promise<AccountView> {
    const { currency: code, allowNegative } = parse(openAccountBody, body);
    return this.accounts.open(code, allowNegative);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<AccountView> {
    return this.existing(id);
  }

  @Get(':id/entries')
  async entries(
    @Param('id') id: string,
    @Query() query: unknown,
  ): Promise<{ entries: EntryView[] }> {
    const account = await this.existing(id);
    const { limit, after } = parse(entriesQuery, query);
    return { entries: await this.accounts.entries(account.id, limit, after) };
  }

  /** Credits the account from its currency's funding account. */
  @Post(':id/fund')
  @HttpCode(200)
  async fund(
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<AccountView & { transferId: string }> {
    const account = await this.existing(id);
    const { amount: value } = parse(fundBody, body);
    // The stored id, not the path's spelling: posting finds accounts by their lower-case id.
    const result = await this.accounts.fund(account.id, account.currency, value);
    if (!result.settled) {
      throw new BadRequestException({
        statusCode: 400,
        code: result.reason,
        message: 'the funding transfer was rejected',
      });
    }
    return { ...(await this.existing(account.id)), transferId: result.transferId };
  }

  private async existing(id: string): Promise<AccountView> {
    const account = isUuid(id) ? await this.accounts.find(id.toLowerCase()) : undefined;
    if (!account)
      throw new NotFoundException({
        statusCode: 404,
        code: 'ACCOUNT_NOT_FOUND',
        message: `no account ${id}`,
      });
    return account;
  }
}
