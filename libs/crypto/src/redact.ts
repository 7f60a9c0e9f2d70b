export const REDACTED = '[REDACTED]';

/** Keys whose values are masked by redactObject, wherever they sit. */
const SENSITIVE_KEY = /pass(word)?|secret|token|authorization|key$/i;

/** `scheme://user:password@` → `scheme://user:[REDACTED]@` */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi;

/**
 * Replaces every occurrence of each secret, as written and URL-encoded (as in a
 * `redis://user:pass@host` URL or a form body), with [REDACTED]; also masks the password
 * of any URL with credentials. Longer secrets go first, so one that contains another is
 * masked whole.
 */
export function redact(text: string, secrets: readonly (string | null | undefined)[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret === '') continue;
    const encoded = encodeURIComponent(secret);
    forms.add(secret).add(encoded).add(encoded.replace(/%20/g, '+'));
  }
  let out = String(text);
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/**
 * A deep copy of `value` for logging, with the value of every key matching SENSITIVE_KEY
 * (password, secret, token, authorization, …key) replaced by [REDACTED] — null and
 * undefined stay as they are, so "no password" still reads as such. Strings elsewhere get
 * URL passwords masked. Cycles are kept as cycles; the original is not touched.
 */
export function redactObject<T>(value: T): T {
  return copy(value, new WeakMap()) as T;
}

function copy(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return value.replace(URL_PASSWORD, `$1${REDACTED}@`);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  if (value instanceof Date) return new Date(value.getTime());
  if (Buffer.isBuffer(value)) return Buffer.from(value);

  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(copy(item, seen));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    seen.set(value, out);
    for (const [k, v] of value) out.set(k, typeof k === 'string' ? field(k, v, seen) : copy(v, seen));
    return out;
  }

  const out = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
  seen.set(value, out);
  const keys = new Set(Object.keys(value));
  // An Error's message and stack are own but not enumerable; they are what gets logged.
  if (value instanceof Error) ['name', 'message', 'stack', 'cause'].forEach((k) => k in value && keys.add(k));
  for (const key of keys) out[key] = field(key, (value as Record<string, unknown>)[key], seen);
  return out;
}

function field(key: string, value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (SENSITIVE_KEY.test(key) && value !== null && value !== undefined) return REDACTED;
  return copy(value, seen);
}

/**
 * For Redis error messages, which can echo the command that failed: masks the given
 * secrets, then everything after `AUTH` (and `HELLO … AUTH`), after a `>`/`<` password
 * rule of `ACL SETUSER`, and after `requirepass`/`masterauth`, to the end of the line.
 */
export function redactRedisError(message: string, secrets: readonly (string | null | undefined)[] = []): string {
  return redact(message, secrets)
    .replace(/\b(AUTH|requirepass|masterauth)\b[ \t]+\S.*$/gim, `$1 ${REDACTED}`)
    .replace(/(["']AUTH["']\s*,).*$/gim, `$1 ${REDACTED}`)
    .replace(/(^|[\s'"([{,])([><])[^\s=].*$/gm, `$1$2${REDACTED}`);
}
