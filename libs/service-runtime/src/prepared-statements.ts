import { createHash } from 'node:crypto';
import { Client } from 'pg';

const INSTALLED = Symbol.for('rotor.postgresStatementsPrepared');

export interface PrepareOptions {
  /** Executions of one statement text in this process before it is sent as a named statement (default 3). */
  after?: number;
  /** Most statement texts named per process; later ones stay unnamed (default 300). */
  max?: number;
}

/**
 * Sends the parameterized statements this process repeats as named (prepared) statements, so
 * each connection's backend parses and plans them once instead of on every execution: in the
 * bench, planning took as much of Postgres's time as executing.
 *
 * Applied where every path to Postgres meets, pg's `Client.prototype.query`, to a statement
 * given as text with a non-empty parameter array (which pg already sends through the extended
 * protocol, as an unnamed statement): its text is named after a hash of itself once seen
 * `after` times. Left unnamed: statements without parameters (BEGIN, COMMIT, LISTEN), texts
 * beyond `max` (statements built with a varying number of rows), and those selecting or
 * returning `*`, whose prepared plan would fail ("cached plan must not change result type")
 * once a migration of another instance adds a column. Idempotent.
 */
export function prepareRepeatedStatements(opts: PrepareOptions = {}): void {
  const prototype = Client.prototype as Client & { [INSTALLED]?: true };
  if (prototype[INSTALLED]) return;
  const after = opts.after ?? 3;
  const max = opts.max ?? 300;
  const seen = new Map<string, number>();
  const names = new Map<string, string>();
  const query = prototype.query as (...args: unknown[]) => unknown;
  prototype.query = function preparedQuery(this: Client, ...args: unknown[]) {
    const [text, values, ...rest] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) return query.apply(this, args);
    let name = names.get(text);
    if (name === undefined && names.size < max && preparable(text)) {
      const count = (seen.get(text) ?? 0) + 1;
      if (count >= after) {
        name = `rotor_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
        names.set(text, name);
        seen.delete(text);
      } else {
        // Texts seen once or twice come and go (a varying row count): keep the tally bounded.
        if (seen.size >= 4 * max) seen.clear();
        seen.set(text, count);
      }
    }
    if (name === undefined) return query.apply(this, args);
    return query.apply(this, [{ name, text, values }, ...rest]);
  } as Client['query'];
  prototype[INSTALLED] = true;
}

function preparable(text: string): boolean {
  return !/(^|[\s,(.])\*(\s|,|$|\))/.test(text.replace(/'[^']*'/g, "''"));
}
