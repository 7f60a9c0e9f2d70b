import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/** The OpenAPI 3.0 schema of what a client sends for `schema` (the zod schema is the single source). */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json['$schema'];
  return json as SchemaObject;
}

export const errorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string().describe('Stable code, e.g. REQUEST.VALIDATION_FAILED or SECRET_ROTATION.NOT_FOUND.'),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() })).describe('Every bad field, named as in the request (e.g. rotateAtUtc.hours).'),
});

/** The JSON body a route takes, and the answers to a body that cannot be read as one. */
export function ApiJsonBody(schema: z.ZodType, description?: string): MethodDecorator {
  const error = openApiSchema(errorBodySchema);
  return applyDecorators(
    ApiBody({ schema: openApiSchema(schema), description }),
    ApiResponse({ status: 413, description: 'The body is larger than the limit (100 kB): REQUEST.TOO_LARGE.', schema: error }),
    ApiResponse({
      status: 415,
      description: 'The body is not application/json in UTF-8, or is compressed other than gzip, deflate or br: REQUEST.UNSUPPORTED_MEDIA_TYPE.',
      schema: error,
    }),
  );
}

/** One ApiQuery per key of a zod object schema. */
export function ApiQueryFrom(schema: z.ZodObject): MethodDecorator {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) =>
      ApiQuery({ name, required: !(field as z.ZodType).safeParse(undefined).success, schema: openApiSchema(field as z.ZodType) }),
    ),
  );
}

export function ApiIdParam(name: string, description: string): MethodDecorator {
  return ApiParam({ name, description, schema: { type: 'string' } });
}

/** The success answer, and the error answers every authenticated route may give. */
export function ApiAnswers(status: number, description: string, schema?: z.ZodType): MethodDecorator {
  const error = openApiSchema(errorBodySchema);
  return applyDecorators(
    status === 200
      ? ApiOkResponse({ description, schema: schema ? openApiSchema(schema) : { type: 'object' } })
      : ApiResponse({ status, description, schema: schema ? openApiSchema(schema) : { type: 'object' } }),
    ApiResponse({ status: 400, description: 'Invalid request: every bad field is named in `details`.', schema: error }),
    ApiResponse({ status: 401, description: 'No or unknown bearer token.', schema: error }),
    ApiResponse({ status: 403, description: 'The identity lacks the permission in this project.', schema: error }),
    ApiResponse({ status: 404, description: 'Not found, or in a project the identity has no role in.', schema: error }),
    ApiResponse({ status: 429, description: 'Rate limit of the identity exceeded (see Retry-After).' }),
    ApiResponse({ status: 503, description: 'An internal service is unavailable.', schema: error }),
  );
}
