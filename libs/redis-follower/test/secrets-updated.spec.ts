import { createEnvelope, serializeEnvelope } from '@rotor/contracts';
import { readSecretsUpdated } from '../src';

const location = { projectId: 'p1', environment: 'prod', secretPath: '/', usernameKey: 'REDIS_USERNAME', passwordKey: 'REDIS_PASSWORD' };

function message(payload: Partial<Parameters<typeof createEnvelope<'SecretsUpdated'>>[2]> = {}): string {
  return serializeEnvelope(
    createEnvelope('SecretsUpdated', 'rotation-1', {
      projectId: 'p1',
      environment: 'prod',
      secretPath: '/',
      rotationId: 'rotation-1',
      secrets: [{ key: 'REDIS_USERNAME', version: 7 }, { key: 'REDIS_PASSWORD', version: 7 }],
      updatedAt: new Date().toISOString(),
      ...payload,
    }),
  );
}

describe('reading SecretsUpdated for one credential', () => {
  it('announces both versions when the event names both secrets of the folder', () => {
    expect(readSecretsUpdated(message(), location)).toEqual({ ok: true, announcement: { username: 7, password: 7 } });
  });

  it('asks for a reload of the folder when only one of the two secrets changed', () => {
    expect(readSecretsUpdated(message({ rotationId: null, secrets: [{ key: 'REDIS_PASSWORD', version: 3 }] }), location)).toEqual({ ok: true, announcement: 'reload' });
  });

  it('ignores events about another folder, environment, project or other secrets', () => {
    for (const other of [{ secretPath: '/other' }, { environment: 'dev' }, { projectId: 'p2' }, { secrets: [{ key: 'API_KEY', version: 2 }] }]) {
      expect(readSecretsUpdated(message(other), location)).toEqual({ ok: true, announcement: null });
    }
  });

  it('refuses a message that breaks the published contract, and says why', () => {
    const broken = JSON.parse(message());
    broken.payload.secrets = [];
    const reading = readSecretsUpdated(JSON.stringify(broken), location);
    expect(reading).toEqual({ ok: false, reason: expect.stringContaining('secrets') });
    expect(readSecretsUpdated('not json', location)).toEqual({ ok: false, reason: 'message is not valid JSON' });
  });
});
