import { RotorError } from '@rotor/util';

/**
 * The stream moved on since the caller read it: someone else appended first. Retry a bounded
 * number of times from a fresh read, or answer 409.
 */
export class VersionConflictError extends RotorError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | null,
  ) {
    super(
      'EVENT_STORE.VERSION_CONFLICT',
      actualVersion === null
        ? `stream ${streamId} was appended to concurrently (expected version ${expectedVersion})`
        : `stream ${streamId} is at version ${actualVersion}, not the expected ${expectedVersion}`,
      'conflict',
    );
    this.name = 'VersionConflictError';
  }
}

/** The same eventId was appended twice; event ids are globally unique. */
export class DuplicateEventError extends RotorError {
  constructor(readonly streamId: string) {
    super('EVENT_STORE.DUPLICATE_EVENT', `an event appended to stream ${streamId} was stored before (same eventId)`, 'conflict');
    this.name = 'DuplicateEventError';
  }
}

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

export const UNIQUE_VIOLATION = '23505';
