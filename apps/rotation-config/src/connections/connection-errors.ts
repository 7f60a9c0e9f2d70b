import { RotorError } from '@rotor/util';
import { CONSTRAINTS, FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, pgErrorOf } from '../database/constraint-names';

export function connectionNameTaken(name: string): RotorError {
  return RotorError.validation('CONNECTION.NAME_TAKEN', [
    { field: 'name', message: `a Redis connection named "${name}" already exists in this project` },
  ]);
}

export function connectionInUse(rotations: { id: string; name: string }[]): RotorError {
  if (rotations.length === 0) {
    return new RotorError('CONNECTION.IN_USE', 'the Redis connection is used by a secret rotation; delete the rotation first', 'conflict');
  }
  const names = rotations.map((r) => `"${r.name}" (${r.id})`).join(', ');
  return new RotorError(
    'CONNECTION.IN_USE',
    `the Redis connection is used by the secret rotation${rotations.length === 1 ? '' : 's'} ${names}; delete ${rotations.length === 1 ? 'it' : 'them'} first`,
    'conflict',
    rotations.map((r) => ({ field: 'rotations', message: `${r.name} (${r.id})` })),
  );
}

/** A lost race on the name (or a rotation created meanwhile) as the answer the pre-check gives. */
export function translateConnectionWriteError(e: unknown, name: string): unknown {
  const { code, constraint } = pgErrorOf(e);
  if (code === UNIQUE_VIOLATION && constraint === CONSTRAINTS.connectionName) return connectionNameTaken(name);
  if (code === FOREIGN_KEY_VIOLATION && constraint === CONSTRAINTS.rotationConnection) return connectionInUse([]);
  return e;
}
