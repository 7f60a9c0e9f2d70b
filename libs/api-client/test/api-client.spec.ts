import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { RotorApiError, ok, toRotorApiError, type Identity, type Project, type RedisConnection, type Secret, type SecretRotation } from '../src';

/** Fails to compile when a named shape resolves to `never` (a path or key the document does not have). */
type NotNever<T> = [T] extends [never] ? 'resolves to never' : true;
const shapes: [NotNever<SecretRotation>, NotNever<RedisConnection>, NotNever<Project>, NotNever<Identity>, NotNever<Secret>] = [true, true, true, true, true];

describe('api-client', () => {
  it('names the shapes clients use most (checked by the compiler)', () => {
    expect(shapes).toEqual([true, true, true, true, true]);
    const rotation: Pick<SecretRotation, 'activeIndex' | 'rotationStatus'> = { activeIndex: 0, rotationStatus: 'success' };
    expect(rotation.activeIndex).toBe(0);
  });

  it('keeps the generated types current with the committed OpenAPI document', () => {
    const check = spawnSync('node', [join(__dirname, '..', 'generate.cjs'), '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('turns the API error shape into a RotorApiError with every field issue', () => {
    const e = toRotorApiError(400, {
      statusCode: 400,
      error: 'REQUEST.VALIDATION_FAILED',
      message: 'rotateAtUtc.hours: must be a whole number',
      details: [{ field: 'rotateAtUtc.hours', message: 'must be a whole number' }, { bogus: true }],
    });
    expect(e).toBeInstanceOf(RotorApiError);
    expect([e.statusCode, e.error, e.message]).toEqual([400, 'REQUEST.VALIDATION_FAILED', 'rotateAtUtc.hours: must be a whole number']);
    expect(e.details).toEqual([{ field: 'rotateAtUtc.hours', message: 'must be a whole number' }]);
    expect(e.fieldMessage('rotateAtUtc.hours')).toBe('must be a whole number');
  });

  it('gives an answer without the error shape a code from its status', () => {
    const e = toRotorApiError(502, '<html>bad gateway</html>');
    expect([e.statusCode, e.error, e.message, e.details]).toEqual([502, 'HTTP.502', '<html>bad gateway</html>', []]);
  });

  it('ok() returns the body of a 2xx and throws a RotorApiError otherwise', async () => {
    const answer = (status: number, body: unknown) => Promise.resolve({ data: status < 300 ? body : undefined, error: status < 300 ? undefined : body, response: new Response(null, { status }) });
    await expect(ok(answer(200, { projects: [] }))).resolves.toEqual({ projects: [] });
    await expect(ok(answer(404, { statusCode: 404, error: 'PROJECT.NOT_FOUND', message: 'no such project', details: [] }))).rejects.toMatchObject({ statusCode: 404, error: 'PROJECT.NOT_FOUND' });
    await expect(ok(Promise.reject(new TypeError('fetch failed')))).rejects.toMatchObject({ statusCode: 0, error: 'NETWORK.UNREACHABLE' });
  });
});
