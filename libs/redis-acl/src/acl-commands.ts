import { RedisAclError } from './redis-acl.error';

/**
 * Rotor only ever touches users it created (docs/architecture.md, invariant 6): 'rotor_<32 hex>_<slot>'. The
 * same rule lives in @rotor/rotation-domain (rotorUsername); it is repeated here on purpose,
 * as the last check before a command reaches Redis.
 */
export const ROTOR_USERNAME = /^rotor_[0-9a-f]{32}_[01]$/;

export function isRotorUsername(name: string): boolean {
  return ROTOR_USERNAME.test(name);
}

export function assertRotorUsername(name: string): void {
  if (!isRotorUsername(name)) {
    throw new RedisAclError(
      'NOT_ROTOR_USER',
      `Refusing to change Redis user "${name}": Rotor only manages users named rotor_<32 hex>_<0|1> that it created.`,
    );
  }
}

/**
 * Rules that would change how the user authenticates or whether it is enabled. The lib sets
 * those itself (`reset on >password`); letting a scope add `nopass` or a second `>password`
 * would open the user to anyone.
 */
const AUTH_RULE = /^([<>#!]|(nopass|resetpass|reset|on|off)$)/i;

export function assertPermissionRules(rules: readonly string[]): void {
  const bad = rules.filter((r) => r.trim() === '' || AUTH_RULE.test(r.trim()));
  if (bad.length > 0) {
    // Only the kind of rule is named: a rule starting with '>' would be a password.
    const kinds = bad.map((r) => (r.trim() === '' ? '(empty)' : /^[<>#!]/.test(r.trim()) ? `${r.trim()[0]}…` : r.trim()));
    throw new RedisAclError(
      'INVALID_RULES',
      `Permission rules may only grant commands, keys and channels; remove: ${kinds.join(', ')}.`,
    );
  }
}

/**
 * `ACL SETUSER <user> reset on ><password> <rule>…`, every rule its own argument: a rule is
 * never split or joined, so a space in a password or a rule cannot smuggle in another rule.
 * `reset` first, so nothing from an earlier rotation (an old password, wider rules) survives.
 */
export function setUserArgs(username: string, password: string, rules: readonly string[]): string[] {
  return ['SETUSER', username, 'reset', 'on', `>${password}`, ...rules];
}

export function delUserArgs(usernames: readonly string[]): string[] {
  return ['DELUSER', ...usernames];
}
