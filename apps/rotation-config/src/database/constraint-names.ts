import { pgErrorOf, UNIQUE_VIOLATION } from '@rotor/event-store';

export { pgErrorOf, UNIQUE_VIOLATION };

/** Constraint names the handlers turn into field-level answers. */
export const CONSTRAINTS = {
  connectionName: 'redis_connections_project_name_uq',
  rotationName: 'rotations_location_name_uq',
  secretName: 'rotation_secret_names_pkey',
  rotationConnection: 'rotations_connection_id_fkey',
} as const;

export const FOREIGN_KEY_VIOLATION = '23503';

