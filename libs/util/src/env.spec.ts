import { envBool, envInt, envString, envUrls } from './env';
import { ManualClock } from './clock';
import { RotorError } from './errors';

describe('env readers', () => {
  it('falls back only when the variable is unset or empty', () => {
    expect(envString('X', 'd', {})).toBe('d');
    expect(envString('X', 'd', { X: 'v' })).toBe('v');
    expect(() => envString('X', undefined, {})).toThrow('configuration X is required');
  });

  it('rejects a non-integer number with the variable named', () => {
    expect(envInt('PORT', 1, { PORT: '8080' })).toBe(8080);
    expect(() => envInt('PORT', 1, { PORT: '80.5' })).toThrow('PORT must be a whole number');
  });

  it('reads booleans strictly', () => {
    expect(envBool('B', false, { B: 'yes' })).toBe(true);
    expect(envBool('B', true, { B: 'off' })).toBe(false);
    expect(() => envBool('B', true, { B: 'maybe' })).toThrow('B must be true or false');
  });

  it('reads one URL or a comma-separated list of instances, naming a bad entry', () => {
    expect(envUrls('U', 'http://127.0.0.1:8084', {}).map(String)).toEqual(['http://127.0.0.1:8084/']);
    expect(envUrls('U', 'x', { U: 'http://a:1, http://b:2 ,' }).map(String)).toEqual(['http://a:1/', 'http://b:2/']);
    expect(() => envUrls('U', 'x', { U: 'http://a:1,b:2:x' })).toThrow('configuration U holds "b:2:x"');
    expect(() => envUrls('U', 'x', { U: 'ftp://a' })).toThrow('only http and https');
    expect(() => envUrls('U', 'x', { U: ' , ' })).toThrow('U must list at least one URL');
  });
});

describe('ManualClock', () => {
  it('moves only when advanced', () => {
    const clock = new ManualClock('2026-02-28T23:00:00Z');
    clock.advance(60 * 60 * 1000);
    expect(clock.now().toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('RotorError.validation', () => {
  it('names every field in its message', () => {
    const e = RotorError.validation('ROTATION.INVALID', [
      { field: 'name', message: 'must be a slug' },
      { field: 'rotationInterval', message: 'must be 1-365' },
    ]);
    expect(e.message).toBe('name: must be a slug; rotationInterval: must be 1-365');
    expect(e.kind).toBe('validation');
  });
});
