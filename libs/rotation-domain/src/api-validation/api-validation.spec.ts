import { z } from 'zod';
import { parseSecretPath } from './secret-path';
import { slugProblem } from './slug';
import { secretNameProblem } from './secret-name';
import { plainIssueMessage, toFieldIssues } from './field-issues';

describe('parseSecretPath', () => {
  it.each([
    ['/', '/'],
    ['/app', '/app'],
    ['/app/', '/app'],
    ['//app///redis/', '/app/redis'],
    ['/a.b/c-d/e_f', '/a.b/c-d/e_f'],
  ])('normalizes %s to %s', (raw, expected) => {
    expect(parseSecretPath(raw)).toEqual({ ok: true, path: expected });
  });

  it.each([
    ['app', 'absolute'],
    ['', 'absolute'],
    ['/app/../other', '".."'],
    ['/app/./x', '"."'],
    ['/app/with space', 'segments'],
    ['/app\\x', 'segments'],
    [`/${'a'.repeat(65)}`, 'segments'],
    [`/${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('/')}`, 'at most 256'],
  ])('rejects %s', (raw, fragment) => {
    const result = parseSecretPath(raw);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(fragment);
  });
});

describe('slugProblem', () => {
  it('accepts slugs up to the limit and rejects everything else', () => {
    expect(slugProblem('my-redis-rotation')).toBeNull();
    expect(slugProblem('a'.repeat(32))).toBeNull();
    expect(slugProblem('a'.repeat(33))).toContain('1 to 32');
    expect(slugProblem('')).toContain('1 to 32');
    for (const bad of ['My-rotation', '-x', 'x-', 'a--b', 'a_b', 'a b']) expect(slugProblem(bad)).toContain('slug');
  });
});

describe('secretNameProblem', () => {
  it('accepts environment-variable names only', () => {
    expect(secretNameProblem('REDIS_USERNAME')).toBeNull();
    expect(secretNameProblem('_x1')).toBeNull();
    for (const bad of ['1ABC', 'A-B', 'A B', 'A.B', '']) expect(secretNameProblem(bad)).not.toBeNull();
    expect(secretNameProblem('A'.repeat(129))).toContain('1 to 128');
  });
});

describe('toFieldIssues', () => {
  const schema = z.strictObject({
    rotateAtUtc: z.strictObject({ hours: z.number().int().min(0).max(23) }),
    nodes: z.array(z.strictObject({ port: z.number() })),
    name: z.string(),
  });

  it('names nested fields, array items and each unknown key, with plain messages', () => {
    const result = schema.safeParse(
      { rotateAtUtc: { hours: 11.5, extra: 1 }, nodes: [{ port: 'x' }], other: true },
      { error: plainIssueMessage },
    );
    expect(result.success).toBe(false);
    const issues = toFieldIssues(result.error?.issues ?? []);
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'rotateAtUtc.hours', message: 'must be a whole number' },
        { field: 'rotateAtUtc.extra', message: 'is not a known field' },
        { field: 'nodes[0].port', message: 'must be a number' },
        { field: 'name', message: 'is required' },
        { field: 'other', message: 'is not a known field' },
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it('names the root when the whole input is wrong', () => {
    const result = schema.safeParse('nope', { error: plainIssueMessage });
    expect(toFieldIssues(result.error?.issues ?? [], { root: 'query' })).toEqual([{ field: 'query', message: 'must be an object' }]);
  });
});
