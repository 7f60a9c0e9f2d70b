/** Constraint names the handlers turn into field-level answers. */
export const CONSTRAINTS = {
  connectionName: 'redis_connections_project_name_uq',
  rotationName: 'rotations_location_name_uq',
  secretName: 'rotation_secret_names_pkey',
  rotationConnection: 'rotations_connection_id_fkey',
} as const;

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

/** Postgres' SQLSTATE and constraint of a failed query, whether or not TypeORM wrapped it. */
export function pgErrorOf(e: unknown): { code?: string; constraint?: string } {
  if (typeof e !== 'object' || e === null) return {};
  const driverError = (e as { driverError?: unknown }).driverError;
  const source = (typeof driverError === 'object' && driverError !== null ? driverError : e) as { code?: unknown; constraint?: unknown };
  return {
    code: typeof source.code === 'string' ? source.code : undefined,
    constraint: typeof source.constraint === 'string' ? source.constraint : undefined,
  };
}
