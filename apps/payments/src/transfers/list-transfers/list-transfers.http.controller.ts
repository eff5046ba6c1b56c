import { applyDecorators, Controller, Get, HttpStatus, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard } from '../../authentication/api-key.guard.js';
import { ClientRateLimitGuard } from '../../authentication/client-rate-limit.guard.js';
import { AuthenticatedClient } from '../../authentication/authenticated-client.decorator.js';
import { ApiErrorResponse } from '#http-errors';
import { openApiSchema } from '../../http/openapi-schema.js';
import { transferPageSchema, type TransferPage } from '../transfer.response.js';
import { listTransfersQuerySchema, parseListTransfersQuery } from './list-transfers.request.js';
import { ListTransfersService } from './list-transfers.service.js';

/** One `@ApiQuery` per parameter of the query schema, so the document follows validation. */
const ApiListQuery = () =>
  applyDecorators(
    ...Object.entries(listTransfersQuerySchema.shape).map(([name, schema]) =>
      ApiQuery({
        name,
        required: false,
        description: schema.description,
        schema: openApiSchema(schema, 'input'),
      }),
    ),
  );

@ApiTags('transfers')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard, ClientRateLimitGuard)
@Controller('transfers')
export class ListTransfersHttpController {
  constructor(private readonly listTransfers: ListTransfersService) {}

  @Get()
  @ApiOperation({
    summary: "The client's own transfers, oldest first, a page at a time",
    description:
      'Oldest first (by creation time, then id), so transfers that stay pending come first: ' +
      '`?status=pending&olderThanSeconds=60` lists those pending for over a minute. Pass each ' +
      "page's `nextCursor` as `cursor`, with the same filters, for the next; pages neither " +
      'repeat nor skip a transfer. Unknown parameters are refused.',
  })
  @ApiListQuery()
  @ApiResponse({
    status: HttpStatus.OK,
    description: 'One page of transfers',
    schema: openApiSchema(transferPageSchema),
  })
  @ApiErrorResponse(400, 'VALIDATION_FAILED: an invalid or unknown query parameter')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  async list(
    @AuthenticatedClient() clientId: string,
    @Query() query: unknown,
  ): Promise<TransferPage> {
    return this.listTransfers.execute(clientId, parseListTransfersQuery(query));
  }
}
