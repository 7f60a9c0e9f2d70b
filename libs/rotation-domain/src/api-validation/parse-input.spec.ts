import { RotorError } from '@rotor/util';
import { z } from 'zod';
import { parseInput } from './parse-input';

const Connection = z.object({ host: z.string(), topology: z.object({ sentinels: z.array(z.object({ port: z.number() })) }) });

function issuesOf(input: unknown, code?: string): { code: string; details: unknown } {
  try {
    parseInput(Connection, input, code);
  } catch (e) {
    if (e instanceof RotorError) return { code: e.code, details: e.details };
    throw e;
  }
  throw new Error('parsed');
}

describe('parseInput', () => {
  it('answers the parsed value', () => {
    expect(parseInput(Connection, { host: 'h', topology: { sentinels: [{ port: 1 }] } })).toEqual({ host: 'h', topology: { sentinels: [{ port: 1 }] } });
  });

  it('names every bad field as the client wrote it, under the code given', () => {
    const { code, details } = issuesOf({ topology: { sentinels: [{ port: 'x' }] } }, 'CONNECTION.INVALID');
    expect(code).toBe('CONNECTION.INVALID');
    expect(details).toEqual([
      { field: 'host', message: expect.any(String) },
      { field: 'topology.sentinels[0].port', message: expect.any(String) },
    ]);
  });

  it('takes a missing input as an empty object and calls the whole input body', () => {
    expect(issuesOf(undefined).code).toBe('REQUEST.INVALID');
    expect(issuesOf(undefined).details).toEqual([{ field: 'host', message: expect.any(String) }, { field: 'topology', message: expect.any(String) }]);
    expect(issuesOf('text').details).toEqual([{ field: 'body', message: expect.any(String) }]);
  });
});
