import {
  Body,
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ApiKeyGuard } from '../../authentication/api-key.guard.js';
import { ClientRateLimitGuard } from '../../authentication/client-rate-limit.guard.js';
import { AuthenticatedClient } from '../../authentication/authenticated-client.decorator.js';
import { ApiErrorResponse } from '#http-errors';
import { requireJsonContentType } from '../../http/json-body.js';
import { openApiSchema } from '../../http/openapi-schema.js';
import { traceparentFor } from '../../tracing/traceparent.js';
import { acceptedTransferSchema, type AcceptedTransfer } from '../transfer.response.js';
import {
  createTransferRequestSchema,
  parseCreateTransferRequest,
} from './create-transfer.request.js';
import { CreateTransferService } from './create-transfer.service.js';
import { parseIdempotencyKey } from './idempotency-key.js';

@ApiTags('transfers')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard, ClientRateLimitGuard)
@Controller('transfers')
export class CreateTransferHttpController {
  constructor(private readonly createTransfer: CreateTransferService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Request a transfer between two accounts',
    description:
      "Debits an account of yours and credits any open account (yours or another client's) " +
      'in the same currency.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'Unique per transfer, reused on retries; 1 to 255 printable ASCII characters',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  })
  @ApiHeader({ name: 'traceparent', required: false, description: 'W3C trace context' })
  @ApiBody({ schema: openApiSchema(createTransferRequestSchema, 'input') })
  @ApiResponse({
    status: HttpStatus.ACCEPTED,
    description: 'Accepted; the ledger settles it asynchronously',
    schema: openApiSchema(acceptedTransferSchema),
    headers: {
      'Idempotent-Replayed': {
        description: '`true` when this answers a retry of an earlier request',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @ApiErrorResponse(400, 'MALFORMED_JSON, VALIDATION_FAILED or IDEMPOTENCY_KEY_MISSING')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  @ApiErrorResponse(
    404,
    'ACCOUNT_NOT_FOUND: the debited account is not yours, or the credited one does not exist',
  )
  @ApiErrorResponse(413, 'PAYLOAD_TOO_LARGE or EVENT_TOO_LARGE')
  @ApiErrorResponse(415, 'UNSUPPORTED_MEDIA_TYPE')
  @ApiErrorResponse(422, 'IDEMPOTENCY_KEY_REUSED')
  @ApiErrorResponse(503, 'DATABASE_UNAVAILABLE: retry after Retry-After seconds with the same key')
  async create(
    @AuthenticatedClient() clientId: string,
    @Headers() headers: IncomingHttpHeaders,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<AcceptedTransfer> {
    requireJsonContentType(headers['content-type']);
    const idempotencyKey = parseIdempotencyKey(headers['idempotency-key']);
    const request = parseCreateTransferRequest(body);
    // A transfer from an account the caller does not own, or to an account nobody has opened,
    // is refused by the statement that would write it: it never gets a 202.
    const result = await this.createTransfer.execute({
      clientId,
      idempotencyKey,
      request,
      traceparent: traceparentFor(headers.traceparent),
      accounts: 'owner-and-credit',
    });
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return result.transfer;
  }
}
