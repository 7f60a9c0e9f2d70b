import { FieldIssue, RotorError } from '@rotor/util';
import { CONSTRAINTS, FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, pgErrorOf } from '../database/constraint-names';
import { connectionNotFound } from '../connections/connections.repository';

/**
 * 400 naming each field that collides at the location: the rotation's name, a mapped secret
 * another rotation maps, or a mapped secret that already exists in the secret store (`existing`:
 * key → the rotation managing it, null for a user's own secret). A rotation never takes over a
 * secret it did not create: the user would lose its value at the first rotation.
 */
export function locationConflicts(
  name: string | undefined,
  nameTaken: boolean,
  mapping: { username: string; password: string } | undefined,
  mappedBy: Map<string, string>,
  existing: Map<string, string | null> = new Map(),
): RotorError | null {
  const issues: FieldIssue[] = [];
  if (nameTaken && name !== undefined) {
    issues.push({ field: 'name', message: `a secret rotation named "${name}" already exists in this environment and secret path` });
  }
  for (const key of ['username', 'password'] as const) {
    const secret = mapping?.[key];
    const owner = secret === undefined ? undefined : mappedBy.get(secret);
    if (owner !== undefined) {
      issues.push({ field: `secretsMapping.${key}`, message: `secret "${secret}" is already mapped by the secret rotation "${owner}" at this secret path` });
    } else if (secret !== undefined && existing.has(secret)) {
      const managedBy = existing.get(secret);
      issues.push({
        field: `secretsMapping.${key}`,
        message: managedBy
          ? `secret "${secret}" already exists at this secret path and is managed by another secret rotation`
          : `secret "${secret}" already exists at this secret path; choose another name or delete that secret first`,
      });
    }
  }
  return issues.length > 0 ? RotorError.validation('ROTATION.LOCATION_CONFLICT', issues) : null;
}

/** The same answers when a concurrent request won the race to the unique index. */
export function translateRotationWriteError(e: unknown): unknown {
  const { code, constraint } = pgErrorOf(e);
  // The connection was deleted between our lookup and the insert.
  if (code === FOREIGN_KEY_VIOLATION && constraint === CONSTRAINTS.rotationConnection) return connectionNotFound();
  if (code !== UNIQUE_VIOLATION) return e;
  if (constraint === CONSTRAINTS.rotationName) {
    return RotorError.validation('ROTATION.LOCATION_CONFLICT', [{ field: 'name', message: 'a secret rotation with this name already exists in this environment and secret path' }]);
  }
  if (constraint === CONSTRAINTS.secretName) {
    return RotorError.validation('ROTATION.LOCATION_CONFLICT', [{ field: 'secretsMapping', message: 'a mapped secret is already mapped by another secret rotation at this secret path' }]);
  }
  return e;
}
