import { parseOptions } from './options';

describe('npm run bench options', () => {
  it('takes the defaults of a full run, or of a smoke run', () => {
    expect(parseOptions([])).toMatchObject({ smoke: false, rotations: 2000, rate: 50, rateSeconds: 30, pgLogStatements: false, env: {} });
    expect(parseOptions(['--smoke'])).toMatchObject({ smoke: true, rotations: 20, rateSeconds: 2 });
  });

  it('reads numbers, lists, repeated --env and both --flag value and --flag=value', () => {
    const o = parseOptions(['--rotations', '500', '--rate-seconds=5', '--profile', 'gateway,secret-store', '--env', 'A=1', '--env', 'B=x=y', '--pg-log-statements']);
    expect(o).toMatchObject({ rotations: 500, rateSeconds: 5, profile: ['gateway', 'secret-store'], env: { A: '1', B: 'x=y' }, pgLogStatements: true });
  });

  it('refuses an unknown flag, a bad number, a bad suffix or an --env without a value, naming it', () => {
    expect(() => parseOptions(['--rotatons', '5'])).toThrow(/--rotatons/);
    expect(() => parseOptions(['--rate', 'fast'])).toThrow('--rate needs a number');
    expect(() => parseOptions(['--rate=-1'])).toThrow('--rate needs a number');
    expect(() => parseOptions(['--database-suffix', 'bench'])).toThrow('--database-suffix must look like _bench');
    expect(() => parseOptions(['--env', 'NOVALUE'])).toThrow('--env needs KEY=VALUE');
  });
});
