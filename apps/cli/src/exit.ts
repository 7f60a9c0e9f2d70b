import { RotorApiError } from '@rotor/sdk';

/** What scripts can test: 0 ok, 1 failed operation, 2 bad usage, 3 not found / not allowed. */
export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3 } as const;

/** An error the CLI explains in one sentence and turns into an exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.failed) {
    super(message);
  }
}

export function usage(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

/** The sentence and exit code for anything an action threw. Never a stack trace, never a credential. */
export function explain(e: unknown): { message: string; exitCode: number } {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
  if (e instanceof RotorApiError) {
    const fields = e.details.length ? ` (${e.details.map((d) => `${d.field}: ${d.message}`).join('; ')})` : '';
    const exitCode = [401, 403, 404].includes(e.statusCode) ? EXIT.notFound : EXIT.failed;
    return { message: `${e.error}: ${e.message}${fields}`, exitCode };
  }
  if (e instanceof Error && e.name === 'RotorWaitError') return { message: e.message, exitCode: EXIT.failed };
  return { message: `unexpected error: ${e instanceof Error ? e.message : String(e)}`, exitCode: EXIT.failed };
}
