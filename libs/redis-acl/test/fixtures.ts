import { randomBytes } from 'node:crypto';
import type { RedisAddress, RedisTarget } from '../src';
import { ADMIN_PASSWORD, ADMIN_USER, type RedisServer } from '@rotor/testing';

/** The two users of one (made-up) rotation: rotor_<32 hex>_0 and _1. */
export function rotationUsers(): [string, string] {
  const id = randomBytes(16).toString('hex');
  return [`rotor_${id}_0`, `rotor_${id}_1`];
}

/** A fresh password with characters that would break a naively joined command. */
export function newPassword(): string {
  return `pw ${randomBytes(12).toString('base64url')} >x ~y`;
}

export function address(s: RedisServer): RedisAddress {
  return { host: s.host, port: s.port };
}

export function singleTarget(s: RedisServer, overrides: Partial<RedisTarget> = {}): RedisTarget {
  return { host: s.host, port: s.port, username: ADMIN_USER, password: ADMIN_PASSWORD, topology: { type: 'single' }, ...overrides };
}

export function replicasTarget(primary: RedisServer, replicas: RedisServer[]): RedisTarget {
  return { ...singleTarget(primary), topology: { type: 'replicas', replicas: replicas.map(address) } };
}

/** Resolves to the rejection of `p` (fails the test if `p` resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
