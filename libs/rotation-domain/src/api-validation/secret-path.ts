/**
 * Secret paths name a folder inside an environment: absolute, `/`-separated, no `.` or `..`.
 *
 * Decision ("absolute, normalized"): repeated slashes and a trailing slash are
 * *normalized* (`/a//b/` → `/a/b`), because they cannot be mistaken for another folder;
 * `.` and `..` segments are *rejected*, because resolving them would let a client address a
 * folder it did not name. Segments use letters, digits, `_`, `-` and `.` (not alone).
 */
export const SECRET_PATH_MAX_LENGTH = 256;
const SEGMENT = /^[A-Za-z0-9_.-]{1,64}$/;

export type SecretPathResult = { ok: true; path: string } | { ok: false; message: string };

export function parseSecretPath(raw: string): SecretPathResult {
  if (!raw.startsWith('/')) return { ok: false, message: 'must be an absolute path starting with "/"' };
  const segments = raw.split('/').filter((s) => s !== '');
  for (const segment of segments) {
    if (segment === '.' || segment === '..') {
      return { ok: false, message: 'must not contain "." or ".." segments' };
    }
    if (!SEGMENT.test(segment)) {
      return { ok: false, message: 'segments may only use letters, digits, "_", "-" and "." (1-64 characters each)' };
    }
  }
  const path = `/${segments.join('/')}`;
  if (path.length > SECRET_PATH_MAX_LENGTH) {
    return { ok: false, message: `must be at most ${SECRET_PATH_MAX_LENGTH} characters` };
  }
  return { ok: true, path };
}
