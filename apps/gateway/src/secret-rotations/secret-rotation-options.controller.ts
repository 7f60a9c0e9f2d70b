import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiAnswers } from '../openapi/zod-openapi';
import { SecretRotationOption, secretRotationOptions } from './secret-rotation-options';

const optionsResponseSchema = z.object({
  secretRotationOptions: z.array(
    z.object({ name: z.string(), type: z.string(), connection: z.string(), rotationType: z.string(), template: z.object({}).loose(), defaults: z.object({}).loose() }),
  ),
});

@ApiTags('Secret rotations')
@Controller('api/v2/secret-rotations')
export class SecretRotationOptionsController {
  @Get('options')
  @ApiOperation({ summary: 'The rotation providers offered, with their templates and defaults (any authenticated identity)' })
  @ApiAnswers(200, 'The options', optionsResponseSchema)
  options(): { secretRotationOptions: SecretRotationOption[] } {
    return { secretRotationOptions: secretRotationOptions() };
  }
}
