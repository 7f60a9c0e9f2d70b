import { loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to 50 rotations per second, a 5 minute lease, and intervals in days', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      consumerGroup: 'rotation-scheduler',
      consumerMinBytes: 65_536,
      consumerMaxWaitMs: 250,
      maxPerSecond: 50,
      leaseMs: 300_000,
      unit: 'days',
      retryPolicy: { baseDelayMs: 60_000, maxDelayMs: 3_600_000, maxAttempts: 6 },
    });
    expect(config.databaseUrl).toMatch(/\/rotor_scheduler$/);
  });

  it('counts intervals in minutes under ROTOR_DEV_MINUTES=1', () => {
    expect(loadConfig({ ROTOR_DEV_MINUTES: '1' }).unit).toBe('minutes');
  });

  it('lets a fetch of rotation events wait as long as ROTOR_SCHEDULER_CONSUMER_MAX_WAIT_MS says', () => {
    expect(loadConfig({ ROTOR_SCHEDULER_CONSUMER_MIN_BYTES: '1', ROTOR_SCHEDULER_CONSUMER_MAX_WAIT_MS: '500' })).toMatchObject({
      consumerMinBytes: 1,
      consumerMaxWaitMs: 500,
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ ROTOR_SCHEDULER_MAX_PER_SECOND: '0' })).toThrow('ROTOR_SCHEDULER_MAX_PER_SECOND must be at least 1');
    expect(() => loadConfig({ ROTOR_ROTATION_LEASE_SECONDS: 'soon' })).toThrow('ROTOR_ROTATION_LEASE_SECONDS must be a whole number');
  });
});
