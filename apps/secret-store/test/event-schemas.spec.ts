import { EVENTS, EVENT_TYPES, TOPICS } from '@rotor/contracts';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const readSchema = (type: string) => JSON.parse(readFileSync(join(root, 'docs', 'events', `${type}.schema.json`), 'utf8'));

jest.setTimeout(30_000);

describe('event JSON Schemas in docs/events', () => {
  it('are up to date with the zod contracts (regenerate: node -r ./tools/register.cjs tools/generate-event-schemas.ts)', () => {
    const run = spawnSync(process.execPath, ['-r', './tools/register.cjs', 'tools/generate-event-schemas.ts', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({ status: 0, stderr: 'docs/events is up to date' });
  });

  it('describe the whole message of every event, public only on the public topics', () => {
    for (const type of EVENT_TYPES) {
      const schema = readSchema(type);
      expect(schema.properties.type.const).toBe(type);
      expect(schema.properties.schemaVersion.const).toBe(EVENTS[type].schemaVersion);
      expect(schema['x-rotor-topic']).toBe(EVENTS[type].topic);
      const isPublic = EVENTS[type].topic === TOPICS.secretsPublic || EVENTS[type].topic === TOPICS.audit;
      expect(schema['x-rotor-visibility']).toBe(isPublic ? 'public' : 'internal');
    }
  });

  it('give SecretsUpdated keys and versions and no field that could hold a value', () => {
    const payload = readSchema('SecretsUpdated').properties.payload;
    expect(Object.keys(payload.properties).sort()).toEqual(['environment', 'projectId', 'rotationId', 'secretPath', 'secrets', 'updatedAt']);
    expect(payload.additionalProperties).toBe(false);
    expect(JSON.stringify(payload)).not.toMatch(/value|password/i);
  });

  it('give AuditRecorded ids, names, codes and hashes, and no field that could hold a value or a token', () => {
    const payload = readSchema('AuditRecorded').properties.payload;
    expect(payload.additionalProperties).toBe(false);
    expect(JSON.stringify(payload)).not.toMatch(/value|password|secret"|token"/i);
  });
});
