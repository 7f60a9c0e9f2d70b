import { mask, writeLogLine } from './json-log';

describe('mask', () => {
  it.each([
    ['{"password":"s3cr3t-value"}', '{"password":"[REDACTED]"}'],
    ['ACL SETUSER rotor_x_0 reset on >s3cr3t-value ~*', 'ACL SETUSER rotor_x_0 reset on >[REDACTED] ~*'],
    ['AUTH rotor_x_0 s3cr3t-value', 'AUTH rotor_x_0 [REDACTED]'],
    ['Authorization: Bearer abc.def', 'Authorization: Bearer [REDACTED]'],
    ['redis://u:x@h?password=s3cr3t&db=0', 'redis://u:x@h?password=[REDACTED]&db=0'],
  ])('masks %s', (input, expected) => {
    expect(mask(input)).toBe(expected);
  });
});

describe('writeLogLine', () => {
  function capture(run: () => void): Array<Record<string, unknown>> {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      run();
    } finally {
      spy.mockRestore();
    }
    return lines.map((l) => {
      expect(l.endsWith('\n')).toBe(true);
      return JSON.parse(l) as Record<string, unknown>;
    });
  }

  it('writes one masked JSON line on stdout, leaving out what it was not given', () => {
    const [line] = capture(() => writeLogLine({ level: 'warn', context: 'Relay', msg: 'AUTH rotor_a_0 hunter2', fields: { token: 'abc', n: 2 } }));
    expect(line).toEqual({ time: expect.any(String), level: 'warn', context: 'Relay', msg: 'AUTH rotor_a_0 [REDACTED]', fields: { token: '[REDACTED]', n: 2 } });
    expect(Number.isNaN(Date.parse(line['time'] as string))).toBe(false);
  });

  it('names an error by its class and message', () => {
    const [line] = capture(() => writeLogLine({ level: 'error', service: 'probe', msg: new TypeError('bad thing') }));
    expect(line).toMatchObject({ level: 'error', service: 'probe', msg: 'TypeError: bad thing' });
    expect(line).not.toHaveProperty('fields');
  });
});
