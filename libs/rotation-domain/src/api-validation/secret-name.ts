/**
 * Secret names are environment-variable names (`REDIS_PASSWORD`), because that is where
 * mapped secrets usually end up: a letter or `_` first, then letters, digits or `_`.
 */
export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_NAME_MAX_LENGTH = 128;

/** Why `name` is not a valid secret name, or null when it is one. */
export function secretNameProblem(name: string): string | null {
  if (name.length < 1 || name.length > SECRET_NAME_MAX_LENGTH) return `must be 1 to ${SECRET_NAME_MAX_LENGTH} characters`;
  if (!SECRET_NAME_PATTERN.test(name)) {
    return 'must start with a letter or "_" and contain only letters, digits and "_"';
  }
  return null;
}
