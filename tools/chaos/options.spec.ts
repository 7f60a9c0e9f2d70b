import { parseOptions } from './options';

describe('npm run chaos options', () => {
  it('takes the smoke defaults and the scaled smoke adjustments', () => {
    expect(parseOptions(['--smoke'])).toMatchObject({ smoke: true, rotations: 30, instances: 1, brokers: 1, brokerKills: 0, restartPostgres: false, maxMinutes: 6 });
    // A cluster kills a node instead of restarting all three, and gets longer to settle.
    expect(parseOptions(['--smoke', '--instances', '2', '--brokers=3'])).toMatchObject({ instances: 2, brokers: 3, brokerKills: 1, kafkaRestarts: 0, maxMinutes: 12 });
    expect(parseOptions(['--smoke', '--brokers', '3', '--broker-kills', '0', '--max-minutes', '7'])).toMatchObject({ brokerKills: 0, maxMinutes: 7 });
  });

  it('reads the full run and its switches', () => {
    expect(parseOptions([])).toMatchObject({ smoke: false, rotations: 1000, restartPostgres: true });
    expect(parseOptions(['--no-restart-postgres', '--seed', '42', '--database-suffix', '_chaos_x'])).toMatchObject({ restartPostgres: false, seed: 42, databaseSuffix: '_chaos_x' });
  });

  it('refuses what it cannot use, naming the flag', () => {
    expect(() => parseOptions(['--kils', '3'])).toThrow(/--kils/);
    expect(() => parseOptions(['--kills', '2.5'])).toThrow('--kills needs a whole number >= 0');
    expect(() => parseOptions(['--brokers', '2'])).toThrow('--brokers takes 1 or 3');
    expect(() => parseOptions(['--broker-kills', '1'])).toThrow('--broker-kills needs a cluster');
    expect(() => parseOptions(['--database-suffix', 'chaos'])).toThrow('--database-suffix must look like _chaos');
  });
});
