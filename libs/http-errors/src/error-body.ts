import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { z } from 'zod';

/** The body of every error answer, in both APIs. */
export const errorBodySchema = z.object({
  statusCode: z.int().min(400).max(599).meta({ example: 400 }),
  code: z.string().meta({
    description: 'Machine-readable; branch on this, not on the message',
    example: 'VALIDATION_FAILED',
  }),
  message: z.string().meta({ description: 'For people; may change' }),
  details: z
    .array(
      z.object({
        field: z
          .string()
          .meta({ description: 'Body field, header or query parameter name', example: 'amount' }),
        message: z.string(),
      }),
    )
    .optional()
    .meta({ description: 'With VALIDATION_FAILED: one entry per invalid input' }),
});
export type ErrorBody = z.output<typeof errorBodySchema>;

/**
 * Documents one error answer of an endpoint; the app's OpenAPI set-up adds the `ErrorBody` schema
 * (payments' http/openapi.ts).
 */
export const ApiErrorResponse = (status: number, description: string) =>
  ApiResponse({ status, description, schema: { $ref: getSchemaPath('ErrorBody') } });
