/** Names of rotations and connections: lowercase letters and digits, single hyphens between. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX_LENGTH = 32;

/** Why `value` is not a slug of 1..`max` characters, or null when it is one. */
export function slugProblem(value: string, max = SLUG_MAX_LENGTH): string | null {
  if (value.length < 1 || value.length > max) return `must be 1 to ${max} characters`;
  if (!SLUG_PATTERN.test(value)) {
    return 'must be a slug: lowercase letters, digits and single hyphens, not starting or ending with a hyphen';
  }
  return null;
}
