import { loadConfig } from './config';

describe('loadConfig', () => {
  const env = { ROTOR_ROOT_KEY: Buffer.alloc(32, 7).toString('base64') };

  it('lets a fetch of events gather 64 KiB or wait 250 ms by default: alerts is off the critical path', () => {
    expect(loadConfig(env).consumer).toMatchObject({ groupId: 'alerts', minBytes: 65_536, maxWaitMs: 250 });
  });

  it('takes the fetch settings from ALERTS_CONSUMER_MIN_BYTES and ALERTS_CONSUMER_MAX_WAIT_MS', () => {
    expect(loadConfig({ ...env, ALERTS_CONSUMER_MIN_BYTES: '1', ALERTS_CONSUMER_MAX_WAIT_MS: '500' }).consumer).toMatchObject({ minBytes: 1, maxWaitMs: 500 });
  });
});
