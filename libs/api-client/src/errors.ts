/** One field the API refused, named as in the request (e.g. `rotateAtUtc.hours`). */
export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * Every error the API answers, as one type: the HTTP status, the stable code
 * (`SECRET_ROTATION.NOT_FOUND`, `REQUEST.VALIDATION_FAILED`, …), the sentence and the fields.
 * A request that got no answer at all has status 0 and code `NETWORK.UNREACHABLE`.
 */
export class RotorApiError extends Error {
  override readonly name = 'RotorApiError';

  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
  }

  /** The message of the issue on `field`, if the API named it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field)?.message;
  }
}

function isFieldIssue(value: unknown): value is FieldIssue {
  const v = value as Partial<FieldIssue> | null;
  return typeof v?.field === 'string' && typeof v.message === 'string';
}

/** The API's error body (`{statusCode, error, message, details}`), or a readable stand-in for one it did not send. */
export function toRotorApiError(status: number, body: unknown): RotorApiError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof b['error'] === 'string' ? b['error'] : `HTTP.${status}`;
  const message = typeof b['message'] === 'string' ? b['message'] : typeof body === 'string' && body ? body.slice(0, 200) : `HTTP ${status}`;
  const details = Array.isArray(b['details']) ? b['details'].filter(isFieldIssue) : [];
  return new RotorApiError(status, code, message, details);
}
