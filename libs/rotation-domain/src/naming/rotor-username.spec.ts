import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { RotorError } from '@rotor/util';
import { isRotorUsername, rotorUsername, rotorUsernames } from './rotor-username';

describe('rotorUsername', () => {
  it('uses the 32 hex digits of a uuid rotation id', () => {
    expect(rotorUsername('3c90c3cc-0d44-4b50-8888-8dd25736052a', 0)).toBe('rotor_3c90c3cc0d444b5088888dd25736052a_0');
    expect(rotorUsername('3c90c3cc-0d44-4b50-8888-8dd25736052a', 1)).toBe('rotor_3c90c3cc0d444b5088888dd25736052a_1');
  });

  it('gives the same name whatever the case of the uuid', () => {
    expect(rotorUsername('3C90C3CC-0D44-4B50-8888-8DD25736052A', 0)).toBe(rotorUsername('3c90c3cc-0d44-4b50-8888-8dd25736052a', 0));
  });

  it('hashes any other id to a stable 32 hex digits', () => {
    const expected = createHash('sha256').update('rot-1').digest('hex').slice(0, 32);
    expect(rotorUsername('rot-1', 0)).toBe(`rotor_${expected}_0`);
    expect(rotorUsername('rot-1', 0)).toBe(rotorUsername('rot-1', 0));
    expect(rotorUsername('rot-1', 0)).not.toBe(rotorUsername('rot-2', 0));
  });

  it('names both credential sets of a rotation', () => {
    expect(rotorUsernames('rot-1')).toEqual([rotorUsername('rot-1', 0), rotorUsername('rot-1', 1)]);
  });

  it('refuses an empty id or an index other than 0 and 1', () => {
    expect(() => rotorUsername('', 0)).toThrow(expect.objectContaining({ code: 'NAMING.INVALID_ROTATION_ID' }));
    expect(() => rotorUsername('rot-1', 2 as 0)).toThrow(RotorError);
    expect(() => rotorUsername('rot-1', 2 as 0)).toThrow(expect.objectContaining({ code: 'NAMING.INVALID_INDEX' }));
  });

  it('property: every id yields a recognisable name, distinct per index', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uuid(), fc.string({ minLength: 1 })), (id) => {
        const [a, b] = rotorUsernames(id);
        expect(isRotorUsername(a) && isRotorUsername(b)).toBe(true);
        expect(a).not.toBe(b);
        expect(a.slice(0, -1)).toBe(b.slice(0, -1));
      }),
    );
  });
});

describe('isRotorUsername', () => {
  it.each([
    ['default', false],
    ['admin', false],
    ['rotor_3c90c3cc0d444b5088888dd25736052a_0', true],
    ['rotor_3c90c3cc0d444b5088888dd25736052a_1', true],
    ['rotor_3c90c3cc0d444b5088888dd25736052a_2', false],
    ['rotor_3C90C3CC0D444B5088888DD25736052A_0', false],
    ['rotor_3c90c3cc0d444b5088888dd25736052_0', false],
    ['rotor_3c90c3cc0d444b5088888dd25736052a_0 ', false],
    ['xrotor_3c90c3cc0d444b5088888dd25736052a_0', false],
  ])('%s → %s', (name, expected) => {
    expect(isRotorUsername(name)).toBe(expected);
  });
});
