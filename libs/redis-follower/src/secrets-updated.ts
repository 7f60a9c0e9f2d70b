import { parseEnvelope, type Envelope } from '@rotor/contracts';
import type { CredentialLocation } from './credential';

/** The versions of the pair an event announced, or `'reload'` when it named only one of the two. */
export type Announcement = { username: number; password: number } | 'reload';

export type Reading =
  | { ok: true; announcement: Announcement | null }
  | { ok: false; reason: string };

/**
 * Reads one message of `rotor.secrets.public.v1`, validated against the published contract,
 * and says what it means for the credential at `location`: `announcement: null` when the
 * event is about another folder or other secrets.
 */
export function readSecretsUpdated(raw: Buffer | string | null, location: Required<CredentialLocation>): Reading {
  const parsed = parseEnvelope(raw);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  if (parsed.event.type !== 'SecretsUpdated') return { ok: false, reason: `unexpected ${parsed.event.type} on the public topic` };
  return { ok: true, announcement: announcementFor(parsed.event, location) };
}

export function announcementFor(event: Envelope<'SecretsUpdated'>, location: Required<CredentialLocation>): Announcement | null {
  const p = event.payload;
  if (p.projectId !== location.projectId || p.environment !== location.environment || p.secretPath !== location.secretPath) return null;
  const username = p.secrets.find((s) => s.key === location.usernameKey);
  const password = p.secrets.find((s) => s.key === location.passwordKey);
  if (!username && !password) return null;
  return username && password ? { username: username.version, password: password.version } : 'reload';
}
