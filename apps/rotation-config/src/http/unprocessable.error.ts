import { FieldIssue, RotorError } from '@rotor/util';

/**
 * A well-formed request that cannot be carried out as asked: the Redis connection check
 * failed, or the first credential set could not be issued. Answered 422.
 */
export class UnprocessableError extends RotorError {
  constructor(code: string, message: string, details: FieldIssue[] = []) {
    super(code, message, 'unprocessable', details);
    this.name = 'UnprocessableError';
  }
}
