import { Controller, Get, HttpStatus, Param, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard } from '../../authentication/api-key.guard.js';
import { ClientRateLimitGuard } from '../../authentication/client-rate-limit.guard.js';
import { AuthenticatedClient } from '../../authentication/authenticated-client.decorator.js';
import { ApiErrorResponse } from '#http-errors';
import { openApiSchema } from '../../http/openapi-schema.js';
import { transferSchema, type Transfer } from '../transfer.response.js';
import { GetTransferService } from './get-transfer.service.js';

@ApiTags('transfers')
@ApiBearerAuth('bearer')
@ApiSecurity('apiKey')
@UseGuards(ApiKeyGuard, ClientRateLimitGuard)
@Controller('transfers')
export class GetTransferHttpController {
  constructor(private readonly getTransfer: GetTransferService) {}

  @Get(':id')
  @ApiOperation({ summary: "A transfer's status" })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiResponse({
    status: HttpStatus.OK,
    description: 'The transfer',
    schema: openApiSchema(transferSchema),
  })
  @ApiErrorResponse(400, 'INVALID_TRANSFER_ID')
  @ApiErrorResponse(401, 'UNAUTHENTICATED')
  @ApiErrorResponse(404, 'TRANSFER_NOT_FOUND')
  async get(@AuthenticatedClient() clientId: string, @Param('id') id: string): Promise<Transfer> {
    return this.getTransfer.execute(clientId, id);
  }
}
