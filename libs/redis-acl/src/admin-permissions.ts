import type { Redis } from 'ioredis';
import { errorText, isReplyError } from './connection';

/**
 * Can the admin user run the commands Rotor needs? Asked with `ACL DRYRUN <admin> <command>`
 * (Redis ≥ 7.0), which checks without executing. When DRYRUN itself is unavailable (Redis 6,
 * or the admin may not run it), the admin's own rules from `ACL GETUSER` are evaluated
 * instead — a small evaluator that knows only the commands below.
 */
export interface RequiredCommand {
  /** 'acl|setuser' — the form Redis uses in ACL rules. */
  id: string;
  args: string[];
  /** ACL categories of the command (COMMAND INFO), for the GETUSER fallback. */
  categories: string[];
}

const ADMIN_SLOW_DANGEROUS = ['admin', 'slow', 'dangerous'];
const PROBE_USER = 'rotor_probe';

/** Setting and deleting users: all that a 'managed' connection needs. */
export const SET_AND_DELETE_USERS: RequiredCommand[] = [
  { id: 'acl|setuser', args: ['ACL', 'SETUSER', PROBE_USER], categories: ADMIN_SLOW_DANGEROUS },
  { id: 'acl|deluser', args: ['ACL', 'DELUSER', PROBE_USER], categories: ADMIN_SLOW_DANGEROUS },
];
export const CONFIG_GET: RequiredCommand = { id: 'config|get', args: ['CONFIG', 'GET', 'aclfile'], categories: ADMIN_SLOW_DANGEROUS };
export const USER_MANAGEMENT: RequiredCommand[] = [...SET_AND_DELETE_USERS, CONFIG_GET];
export const ACL_SAVE: RequiredCommand = { id: 'acl|save', args: ['ACL', 'SAVE'], categories: ADMIN_SLOW_DANGEROUS };
export const CONFIG_REWRITE: RequiredCommand = { id: 'config|rewrite', args: ['CONFIG', 'REWRITE'], categories: ADMIN_SLOW_DANGEROUS };

export type PermissionAnswer = { known: true; missing: string[] } | { known: false; reason: string };

export async function missingPermissions(client: Redis, admin: string, required: RequiredCommand[]): Promise<PermissionAnswer> {
  try {
    const missing: string[] = [];
    for (const cmd of required) {
      const answer = await client.call('ACL', 'DRYRUN', admin, ...cmd.args);
      if (answer !== 'OK') missing.push(cmd.id);
    }
    return { known: true, missing };
  } catch (e) {
    if (!isReplyError(e)) throw e;
    return fromGetUser(client, admin, required, errorText(e));
  }
}

async function fromGetUser(client: Redis, admin: string, required: RequiredCommand[], dryRunError: string): Promise<PermissionAnswer> {
  let reply: unknown;
  try {
    reply = await client.call('ACL', 'GETUSER', admin);
  } catch (e) {
    if (!isReplyError(e)) throw e;
    return { known: false, reason: `ACL DRYRUN (${dryRunError}) and ACL GETUSER (${errorText(e)}) both failed` };
  }
  const user = parseGetUser(reply);
  if (!user) return { known: false, reason: `ACL GETUSER returned no user "${admin}"` };
  const missing = required.filter((cmd) => !user.ruleSets.some((rules) => rulesAllow(rules, cmd))).map((c) => c.id);
  return { known: true, missing };
}

/** The command rules of the user itself and of each of its selectors (a command is allowed if any allows it). */
export function parseGetUser(reply: unknown): { ruleSets: string[] } | null {
  if (!Array.isArray(reply)) return null;
  const fields = toRecord(reply);
  const ruleSets = [String(fields['commands'] ?? '')];
  const selectors = fields['selectors'];
  if (Array.isArray(selectors)) {
    for (const sel of selectors) if (Array.isArray(sel)) ruleSets.push(String(toRecord(sel)['commands'] ?? ''));
  }
  return { ruleSets };
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

/** Evaluates command rules left to right, as Redis does, for one command. */
export function rulesAllow(rules: string, cmd: RequiredCommand): boolean {
  const [container] = cmd.id.split('|');
  let allowed = false;
  for (const raw of rules.toLowerCase().split(/\s+/).filter(Boolean)) {
    if (raw === 'allcommands') allowed = true;
    else if (raw === 'nocommands') allowed = false;
    else if (raw[0] === '+' || raw[0] === '-') {
      const grant = raw[0] === '+';
      const what = raw.slice(1);
      const matches = what.startsWith('@')
        ? what === '@all' || cmd.categories.includes(what.slice(1))
        : what === container || what === cmd.id;
      if (matches) allowed = grant;
    }
  }
  return allowed;
}
