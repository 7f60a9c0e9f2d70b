import { RotorError, isPermanentFailure } from './errors';

describe('isPermanentFailure', () => {
  it('is true only for errors that say retryable: false', () => {
    expect(isPermanentFailure(Object.assign(new Error('no key opens it'), { retryable: false }))).toBe(true);
    expect(isPermanentFailure(Object.assign(new Error('connection reset'), { retryable: true }))).toBe(false);
    expect(isPermanentFailure(new RotorError('ROTATION.NOT_FOUND', 'not found', 'not-found'))).toBe(false);
    expect(isPermanentFailure(new Error('anything'))).toBe(false);
    expect(isPermanentFailure('a string')).toBe(false);
    expect(isPermanentFailure(null)).toBe(false);
  });
});
