import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { toErrorBody } from '@rotor/service-runtime';
import { UnprocessableError } from './unprocessable.error';

/**
 * RotorError kinds have no 422, and the shared filter maps kinds to statuses; this filter
 * answers UnprocessableError with 422 in the same body shape. (Better: an 'unprocessable'
 * kind in @rotor/util — asked of the integrator.)
 */
@Catch(UnprocessableError)
export class UnprocessableFilter implements ExceptionFilter {
  catch(exception: UnprocessableError, host: ArgumentsHost): void {
    const body = { ...toErrorBody(exception), statusCode: 422 };
    host.switchToHttp().getResponse<Response>().status(422).json(body);
  }
}
