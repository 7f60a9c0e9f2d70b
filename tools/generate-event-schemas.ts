/**
 * Writes docs/events/<EventType>.schema.json (JSON Schema 2020-12 of the whole Kafka message:
 * envelope + payload) and docs/events/README.md, generated from the zod contracts in
 * @rotor/contracts, so another team can consume Rotor's public events without reading its code.
 *
 *   node -r ./tools/register.cjs tools/generate-event-schemas.ts           # write
 *   node -r ./tools/register.cjs tools/generate-event-schemas.ts --check   # exit 1 when stale
 *
 * apps/secret-store/test/event-schemas.spec.ts fails when the committed files are stale.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  EVENTS, EVENT_TYPES, EnvelopeSchema, EventType, SecretsUpdated, TOPICS, createEnvelope, serializeEnvelope,
} from '@rotor/contracts';

export const EVENT_DOCS_DIR = join(__dirname, '..', 'docs', 'events');

/** One line per event; a Record, so a new event without a description does not compile. */
const SUMMARIES: Record<EventType, string> = {
  RotationCreated: 'A rotation configuration was created (rotation-config).',
  RotationUpdated: "A rotation's settings changed: schedule, name, description, parameters or secrets mapping (rotation-config).",
  RotationDeleted: 'A rotation was deleted, with what to do with its secrets and Redis users (rotation-config).',
  RotationRequested: 'A rotation job was accepted; carries what the executor needs, credentials sealed (rotation-config).',
  RotationCompleted: 'A rotation job finished and its secrets are stored (rotation-config).',
  RotationAttemptFailed: 'A rotation attempt failed; the message is redacted (rotation-config).',
  RevocationRequested: "The rotation's Redis users are to be removed (rotation-config).",
  CredentialsRotated: 'Redis accepted a new password on every node; the password is sealed (redis-executor).',
  RotationFailed: 'Work on Redis failed, or a timed-out job was fenced; the message is redacted (redis-executor, or secret-store after RotationTimedOut).',
  CredentialsRevoked: "The rotation's Redis users were removed (redis-executor).",
  RotationDue: 'A rotation is due by its schedule, or as a retry (rotation-scheduler).',
  RotationGaveUp: 'A failed attempt will not be retried: the rotation stays failed until its next regular due time or a manual rotation; the message is redacted (rotation-scheduler).',
  RotationTimedOut: "A requested job had no outcome within its lease; the secret store fences it unless its credential is already stored (rotation-scheduler).",
  RotationSecretsStored: 'The secret store wrote the new versions of a rotation\'s secrets (secret-store).',
  SecretsUpdated: 'Secrets have new versions; reload them through the secrets API. Keys and versions only, never values.',
  CredentialsVerified: "A check of a rotation's served credential (and the one it replaced) on every node: healthy, drifted or unverifiable; no secret (redis-executor).",
  RotationDrifted: 'A served credential stopped authenticating somewhere (which user, node and what Redis answered); a heal rotation follows (rotation-config).',
  RotationHealed: 'A drifted rotation authenticates on every node again (rotation-config).',
  AuditRecorded: "One audit record of the gateway, exactly as stored with its hash chain, for a SIEM; never a secret or token (gateway).",
};

/** The public payload's fields for consumers; a Record, so a field added to the contract must be explained here. */
const SECRETS_UPDATED_FIELDS: Record<keyof SecretsUpdated, [type: string, meaning: string]> = {
  projectId: ['string', 'the project the folder belongs to'],
  environment: ['string', 'environment slug, e.g. `prod`'],
  secretPath: ['string', 'folder path, starting with `/`'],
  rotationId: ['string or null', "the rotation that wrote these versions; null for a user's change"],
  secrets: ['array of `{ key, version }` (at least one)', 'each secret that has a new version, and that version'],
  updatedAt: ['date-time', 'when the versions were stored'],
};

function isPublic(type: EventType): boolean {
  return EVENTS[type].topic === TOPICS.secretsPublic || EVENTS[type].topic === TOPICS.audit;
}

/** The JSON Schema of one event's Kafka message value. */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  const definition = EVENTS[type];
  const message = EnvelopeSchema.extend({
    type: z.literal(type),
    schemaVersion: z.literal(definition.schemaVersion),
    payload: definition.payload,
  });
  const schema = z.toJSONSchema(message, {
    target: 'draft-2020-12',
    // zod writes a non-standard format for startsWith; the pattern beside it says the same.
    override: (ctx) => {
      if (ctx.jsonSchema.format === 'starts_with') delete ctx.jsonSchema.format;
    },
  });
  const { $schema, ...rest } = schema as Record<string, unknown>;
  return {
    $schema,
    title: `${type} v${definition.schemaVersion}`,
    description: isPublic(type)
      ? `${SUMMARIES[type]} Public: changes to it are versioned (a breaking change goes to a new topic version).`
      : `${SUMMARIES[type]} Internal to Rotor: may change without notice; do not consume it from another team's service.`,
    'x-rotor-visibility': isPublic(type) ? 'public' : 'internal',
    'x-rotor-topic': definition.topic,
    'x-rotor-key': 'aggregateId',
    ...rest,
  };
}

const EXAMPLE = createEnvelope(
  'SecretsUpdated',
  '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
  {
    projectId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
    environment: 'prod',
    secretPath: '/',
    rotationId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
    secrets: [
      { key: 'REDIS_USERNAME', version: 7 },
      { key: 'REDIS_PASSWORD', version: 7 },
    ],
    updatedAt: '2026-03-01T11:29:03.412Z',
  },
  {
    eventId: '0b6d3c52-5f0e-4c1a-9d7e-2a4b6c8d0e1f',
    occurredAt: new Date('2026-03-01T11:29:03.412Z'),
    correlationId: 'a3e1f0d2-7c4b-4b8a-9e6f-5d2c1b0a9f8e',
    causationId: 'e7f6a5b4-c3d2-4e1f-8a9b-0c1d2e3f4a5b',
  },
);

function readme(): string {
  const rows = EVENT_TYPES.map((type) => {
    const d = EVENTS[type];
    return `| [\`${type}\`](${type}.schema.json) | ${isPublic(type) ? '**public**' : 'internal'} | \`${d.topic}\` | ${d.schemaVersion} | ${SUMMARIES[type]} |`;
  });
  return `<!-- Generated by tools/generate-event-schemas.ts from @rotor/contracts. Do not edit by hand. -->
# Rotor events

Rotor publishes events to Kafka as JSON. Each \`<EventType>.schema.json\` here is the JSON Schema
(draft 2020-12) of one event's whole message value, generated from the zod contracts that Rotor's
own services validate with.

## For other teams: \`SecretsUpdated\`

Subscribe to **\`${TOPICS.secretsPublic}\`**. Each message says that secrets in one folder have a
new version, so services that read them can reload. It never carries a value: read the new
values through the secrets API (\`GET /api/v3/secrets/raw?projectId&environment&secretPath\`)
with a token allowed to read them.

- **When**: after Rotor stores the credentials of a rotation (both the username and the
  password secret, committed together: \`rotationId\` is set), and after a user creates or
  updates an ordinary secret through the API (\`rotationId\` is null). Deleting a secret sends
  no event.
- **Key**: the message key is \`aggregateId\`: the rotation id for a rotation's secrets, the
  secret id for an ordinary secret. Messages with one key arrive in order.
- **Delivery**: at least once. \`eventId\` is unique per event: skip one you have handled. A
  version only grows, so "reload if \`version\` is greater than what I hold" is safe to repeat.
- **Versioning**: \`schemaVersion\` is ${EVENTS.SecretsUpdated.schemaVersion}. Fields may be added within a
  version; a breaking change goes to a new topic (\`…v2\`). Ignore fields you do not know.

| payload field | type | meaning |
|---|---|---|
${Object.entries(SECRETS_UPDATED_FIELDS).map(([field, [type, meaning]]) => `| \`${field}\` | ${type} | ${meaning} |`).join('\n')}

The envelope around every Rotor event:

| field | type | meaning |
|---|---|---|
| \`eventId\` | uuid | unique per event; the idempotency key |
| \`type\` | string | the event type, e.g. \`SecretsUpdated\` |
| \`schemaVersion\` | integer | version of the payload schema |
| \`occurredAt\` | date-time | when the event happened |
| \`aggregateId\` | string | what the event is about; also the Kafka message key |
| \`correlationId\` | string | shared by every event of one workflow (one rotation job) |
| \`causationId\` | string or null | the \`eventId\` of the event that caused this one |
| \`payload\` | object | the event's data, per its schema |

Example message value on \`${TOPICS.secretsPublic}\` (key \`${EXAMPLE.aggregateId}\`):

\`\`\`json
${JSON.stringify(JSON.parse(serializeEnvelope(EXAMPLE)), null, 2)}
\`\`\`

## All events

Internal events are documented for Rotor's own services and operators; they may change without
notice and are not meant to be consumed by other teams.

| event | visibility | topic | schema version | what it says |
|---|---|---|---|---|
${rows.join('\n')}

Every topic has a dead-letter topic \`<topic>.dlq\` where a consumer parks a message it could
not handle (headers say why).
`;
}

/** Every generated file: name under docs/events → content. */
export function renderEventDocs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const type of EVENT_TYPES) files.set(`${type}.schema.json`, `${JSON.stringify(eventJsonSchema(type), null, 2)}\n`);
  files.set('README.md', readme());
  return files;
}

/** Files that differ from what the contracts generate, and generated-looking files no event has. */
export function staleEventDocs(dir: string = EVENT_DOCS_DIR): string[] {
  const expected = renderEventDocs();
  const stale = [...expected].filter(([name, content]) => {
    const path = join(dir, name);
    return !existsSync(path) || readFileSync(path, 'utf8') !== content;
  }).map(([name]) => name);
  const orphans = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.schema.json') && !expected.has(f)) : [];
  return [...stale, ...orphans];
}

function main(): void {
  if (process.argv.includes('--check')) {
    const stale = staleEventDocs();
    if (stale.length > 0) {
      console.error(`docs/events is out of date (${stale.join(', ')}): run node -r ./tools/register.cjs tools/generate-event-schemas.ts`);
      process.exit(1);
    }
    console.error('docs/events is up to date');
    return;
  }
  mkdirSync(EVENT_DOCS_DIR, { recursive: true });
  const files = renderEventDocs();
  for (const f of readdirSync(EVENT_DOCS_DIR)) if (f.endsWith('.schema.json') && !files.has(f)) unlinkSync(join(EVENT_DOCS_DIR, f));
  for (const [name, content] of files) writeFileSync(join(EVENT_DOCS_DIR, name), content);
  console.error(`wrote ${files.size} files to docs/events`);
}

if (require.main === module) main();
