import { FieldIssue } from '@rotor/util';

/** The Infisical-compatible API's default: every key, every command. */
export const DEFAULT_PERMISSION_SCOPE = '~* +@all';

export type PermissionScopeResult = { ok: true; rules: string[] } | { ok: false; issues: FieldIssue[] };

const FIELD = 'parameters.permissionScope';

/**
 * ACL categories Redis knows: Redis 7's own, plus those the Redis 8 query engine, JSON,
 * time series and probabilistic modules add. Redis rejects an unknown category in
 * `ACL SETUSER`, so a typo is caught here as a 400 instead of failing every rotation.
 */
const CATEGORIES = new Set([
  'all', 'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction',
  'scripting',
  'search', 'json', 'timeseries', 'bloom', 'cuckoo', 'cms', 'topk', 'tdigest',
]);

/** Rules that change who the user is rather than what it may do; Rotor owns these. */
const STATE_RULES = new Set(['on', 'off', 'reset', 'nopass', 'resetpass', 'clearselectors', 'skip-sanitize-payload', 'sanitize-payload']);
const PASSWORD_PREFIXES = ['>', '<', '#', '!'];

const COMMAND = /^[+-][A-Za-z][A-Za-z0-9_.:-]*(\|[^|]+)?$/;
const CATEGORY = /^[+-]@(.+)$/;
const KEY_PATTERN = /^(~|%[RW]{1,2}~)(.*)$/i;

/**
 * Within one selector (or the root), Redis refuses any other pattern added after
 * `~*`/`allkeys` (or `&*`/`allchannels`) until `resetkeys` (`resetchannels`).
 */
interface Context {
  where: string;
  allKeys: boolean;
  allChannels: boolean;
}

/**
 * Parses the user-supplied permission scope into separate `ACL SETUSER` arguments.
 * Empty or missing means DEFAULT_PERMISSION_SCOPE. Accepts only permission rules (keys,
 * channels, commands, categories and Redis 7 selectors made of those); refuses anything
 * that changes the user's state or passwords, which Rotor manages itself. A selector
 * `(~a +get)` stays one argument, as Redis expects it.
 */
export function parsePermissionScope(scope: string | null | undefined): PermissionScopeResult {
  const text = scope == null || scope.trim() === '' ? DEFAULT_PERMISSION_SCOPE : scope;
  const tokens = text.trim().split(/\s+/);
  const issues: string[] = [];
  const rules: string[] = [];
  const root: Context = { where: 'scope', allKeys: false, allChannels: false };

  for (let i = 0; i < tokens.length; i++) {
    if (!tokens[i].startsWith('(')) {
      const problem = checkRule(tokens[i], root);
      if (problem) issues.push(problem);
      else rules.push(tokens[i]);
      continue;
    }
    // A selector may span several whitespace-separated tokens: "(~a +get)".
    const start = i;
    while (!tokens[i].endsWith(')') && i + 1 < tokens.length) i++;
    const joined = tokens.slice(start, i + 1).join(' ');
    const problem = checkSelector(joined);
    if (typeof problem === 'string') issues.push(problem);
    else rules.push(problem.rule);
  }

  if (issues.length > 0) return { ok: false, issues: issues.map((message) => ({ field: FIELD, message })) };
  return { ok: true, rules };
}

function checkSelector(text: string): string | { rule: string } {
  const shown = quote(maskPasswords(text));
  if (!text.endsWith(')') || text.length < 2) return `selector ${shown} is missing its closing ")"`;
  const inner = text.slice(1, -1).trim();
  if (/[()]/.test(inner)) return `selector ${shown} may not contain "(" or ")"; selectors cannot be nested`;
  const parts = inner === '' ? [] : inner.split(/\s+/);
  const context: Context = { where: 'selector', allKeys: false, allChannels: false };
  for (const part of parts) {
    const problem = checkRule(part, context);
    if (problem) return `${problem} (in selector ${shown})`;
  }
  return { rule: `(${parts.join(' ')})` };
}

/** Returns why a single rule is refused, or null when Redis may be given it. */
function checkRule(token: string, context: Context): string | null {
  const lower = token.toLowerCase();

  // Never echo a password rule: the token may be a real password.
  const prefix = PASSWORD_PREFIXES.find((p) => token.startsWith(p));
  if (prefix) return `password rules ("${prefix}…") are not allowed: Rotor sets the user's passwords itself`;
  if (STATE_RULES.has(lower)) {
    return `${quote(token)} is not allowed: it changes the user's state or passwords, which Rotor manages`;
  }
  if (hasControlCharacter(token)) return `${quote(token)} contains a control character`;
  // Redis splits selectors and re-reads its ACL file with quote handling, so a quote in a
  // rule would silently change its meaning (a pattern with one is dropped from a selector).
  if (/["']/.test(token)) return `${quote(token)} contains a quote, which Redis would reinterpret`;

  switch (lower) {
    case 'allkeys':
    case '~*':
      context.allKeys = true;
      return null;
    case 'resetkeys':
      context.allKeys = false;
      return null;
    case 'allchannels':
    case '&*':
      context.allChannels = true;
      return null;
    case 'resetchannels':
      context.allChannels = false;
      return null;
    case 'allcommands':
    case 'nocommands':
      return null;
  }

  const key = KEY_PATTERN.exec(token);
  if (key) {
    if (!validKeyFlags(key[1])) return `${quote(token)} has invalid key permissions; use ~, %R~, %W~ or %RW~`;
    return context.allKeys ? keyPatternConflict(token, context) : null;
  }
  if (token.startsWith('&')) {
    return context.allChannels ? channelPatternConflict(token, context) : null;
  }
  const category = CATEGORY.exec(token);
  if (category) {
    return CATEGORIES.has(category[1].toLowerCase()) ? null : `${quote(token)} names an unknown ACL category`;
  }
  if (COMMAND.test(token)) return null;
  return `${quote(token)} is not a Redis ACL permission rule`;
}

function hasControlCharacter(text: string): boolean {
  return [...text].some((ch) => (ch.codePointAt(0) as number) < 0x20 || ch === '\u007f');
}

/** `%` takes R and/or W, each at most once, in any order, before `~`. */
function validKeyFlags(flags: string): boolean {
  if (flags === '~') return true;
  const letters = flags.slice(1, -1).toUpperCase();
  return letters === 'R' || letters === 'W' || letters === 'RW' || letters === 'WR';
}

function keyPatternConflict(token: string, context: Context): string {
  return `${quote(token)} follows "~*" or "allkeys" in the same ${context.where}, which Redis rejects; add "resetkeys" first`;
}

function channelPatternConflict(token: string, context: Context): string {
  return `${quote(token)} follows "&*" or "allchannels" in the same ${context.where}, which Redis rejects; add "resetchannels" first`;
}

/** Hides whatever follows a password prefix, so an error message never carries a password. */
function maskPasswords(text: string): string {
  return text.replace(/(^|[\s(])([><#!])\S*/g, '$1$2…');
}

function quote(token: string): string {
  return JSON.stringify(token);
}
