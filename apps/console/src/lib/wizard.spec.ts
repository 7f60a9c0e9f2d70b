// Runs in Asia/Kolkata (jest.config.cjs): local times are UTC+5:30.
import { defaultValues, firstInvalidStep, formFieldOf, stepOfField, toCreateRequest, validateStep, type WizardValues } from './wizard';

const now = new Date('2026-12-07T10:00:00Z');
function valid(): WizardValues {
  return { ...defaultValues(now), connectionId: 'c-1', name: 'my-redis-rotation', description: 'desc' };
}

describe('the wizard’s defaults', () => {
  it('are those of the Infisical-compatible API: 30 days at 00:00 UTC, auto-rotation on, ~* +@all, REDIS_USERNAME/REDIS_PASSWORD', () => {
    const d = defaultValues(now);
    expect(d).toMatchObject({
      rotationInterval: 30,
      rotateAtLocal: '05:30', // 00:00 UTC
      isAutoRotationEnabled: true,
      parameters: { permissionScope: '~* +@all' },
      secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    });
  });
});

describe('"Next" validates only its step, with the server’s rules and field names', () => {
  it('configuration: a connection, a whole interval 1–365, a time of day', () => {
    const v = { ...valid(), connectionId: '', rotationInterval: 0, rotateAtLocal: '' };
    expect(validateStep('configuration', v, now)).toEqual({
      connectionId: 'choose a Redis connection (or create one)',
      rotationInterval: 'must be a whole number from 1 to 365',
      rotateAtLocal: 'enter a time of day (HH:MM)',
    });
    expect(validateStep('configuration', { ...valid(), rotationInterval: 1.5 }, now)).toEqual({ rotationInterval: 'must be a whole number from 1 to 365' });
    expect(validateStep('configuration', { ...valid(), rotationInterval: Number.NaN }, now)).toEqual({ rotationInterval: 'must be a whole number from 1 to 365' });
    expect(validateStep('configuration', { ...valid(), rotationInterval: 366 }, now)).toHaveProperty('rotationInterval');
    expect(validateStep('configuration', valid(), now)).toEqual({});
  });

  it('configuration ignores errors of later steps', () => {
    expect(validateStep('configuration', { ...valid(), name: 'Not A Slug', secretsMapping: { username: 'A', password: 'A' } }, now)).toEqual({});
  });

  it('parameters: password length 12–256, counts within the length, symbols allowed, scope tokens', () => {
    const v = valid();
    v.parameters.passwordRequirements.length = 8;
    expect(Object.keys(validateStep('parameters', v, now))).toContain('parameters.passwordRequirements.length');

    const w = valid();
    w.parameters.passwordRequirements.required.symbols = 1;
    w.parameters.passwordRequirements.allowedSymbols = '';
    expect(Object.keys(validateStep('parameters', w, now)).some((k) => k.startsWith('parameters.passwordRequirements'))).toBe(true);

    const x = valid();
    x.parameters.permissionScope = '~* +@all nopass';
    const errors = validateStep('parameters', x, now);
    expect(errors['parameters.permissionScope']).toMatch(/nopass/);

    const y = valid();
    y.parameters.passwordRequirements.required.digits = 60;
    expect(Object.keys(validateStep('parameters', y, now)).some((k) => k.startsWith('parameters.passwordRequirements.required'))).toBe(true);

    expect(validateStep('parameters', valid(), now)).toEqual({});
  });

  it('mappings: valid secret names that differ', () => {
    expect(validateStep('mappings', { ...valid(), secretsMapping: { username: 'SAME', password: 'SAME' } }, now)).toEqual({
      'secretsMapping.password': 'must differ from secretsMapping.username',
    });
    expect(Object.keys(validateStep('mappings', { ...valid(), secretsMapping: { username: '1BAD', password: 'OK' } }, now))).toEqual(['secretsMapping.username']);
    expect(validateStep('mappings', valid(), now)).toEqual({});
  });

  it('details: a slug name, a description of at most 256 characters', () => {
    expect(Object.keys(validateStep('details', { ...valid(), name: 'My Rotation' }, now))).toEqual(['name']);
    expect(Object.keys(validateStep('details', { ...valid(), name: '' }, now))).toEqual(['name']);
    expect(Object.keys(validateStep('details', { ...valid(), description: 'x'.repeat(257) }, now))).toEqual(['description']);
    expect(validateStep('details', { ...valid(), description: '' }, now)).toEqual({});
  });

  it('review: every step at once', () => {
    expect(Object.keys(validateStep('review', { ...valid(), connectionId: '', name: 'X' }, now)).sort()).toEqual(['connectionId', 'name']);
  });
});

describe('step order and server errors', () => {
  it('a step is reachable only when every earlier one is valid', () => {
    expect(firstInvalidStep({ ...valid(), connectionId: '' }, 'review', now)).toBe('configuration');
    expect(firstInvalidStep({ ...valid(), name: '' }, 'details', now)).toBeUndefined();
    expect(firstInvalidStep({ ...valid(), name: '' }, 'review', now)).toBe('details');
  });

  it('puts each details[].field on its step and field (rotateAtUtc on the local-time field)', () => {
    expect([stepOfField('name'), formFieldOf('name')]).toEqual(['details', 'name']);
    expect([stepOfField('rotateAtUtc.hours'), formFieldOf('rotateAtUtc.hours')]).toEqual(['configuration', 'rotateAtLocal']);
    expect(stepOfField('parameters.passwordRequirements.length')).toBe('parameters');
    expect(stepOfField('secretsMapping.username')).toBe('mappings');
    expect(formFieldOf('projectId')).toBe('root');
  });

  it('sends the request the API takes, the time of day in UTC', () => {
    const body = toCreateRequest({ ...valid(), rotateAtLocal: '11:29', description: '' }, { projectId: 'p', environment: 'dev', secretPath: '/' }, now);
    expect(body).toMatchObject({ name: 'my-redis-rotation', projectId: 'p', environment: 'dev', secretPath: '/', connectionId: 'c-1', rotateAtUtc: { hours: 5, minutes: 59 } });
    expect(body.description).toBeUndefined();
  });
});
