import { FieldIssue } from '@rotor/util';

/**
 * What a generated Redis password must contain. Same shape as the API's
 * `parameters.passwordRequirements` (and `PasswordRequirements` in @rotor/contracts, which
 * the domain may not import).
 */
export interface PasswordRequirements {
  length: number;
  required: {
    digits: number;
    lowercase: number;
    uppercase: number;
    symbols: number;
  };
  allowedSymbols: string;
}

export type CharacterClass = keyof PasswordRequirements['required'];

export const CHARACTER_CLASSES: readonly CharacterClass[] = ['digits', 'lowercase', 'uppercase', 'symbols'];

export const PASSWORD_LENGTH_MIN = 12;
export const PASSWORD_LENGTH_MAX = 256;

/**
 * URL-safe symbols, so a password can sit in a `redis://user:pass@host` URL or a shell
 * variable without quoting.
 */
export const DEFAULT_PASSWORD_REQUIREMENTS: PasswordRequirements = Object.freeze({
  length: 48,
  required: Object.freeze({ digits: 1, lowercase: 1, uppercase: 1, symbols: 1 }),
  allowedSymbols: '-_.~!*',
});

export const DIGITS = '0123456789';
export const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
export const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const FIELD = 'parameters.passwordRequirements';

/**
 * Checks requirements before they are stored, and again before a password is generated.
 * Each issue names the field as the API reports it.
 *
 * About symbols: every printable, non-alphanumeric ASCII character is allowed. Rotor sends
 * the password to Redis as its own `ACL SETUSER` argument (`>password`): Redis reads the
 * whole argument after `>` as the password, so quotes, `>`, `<`, `#` or `(` inside it
 * mean nothing to Redis (`>`/`<`/`#` only matter as the first character of a *rule*, and
 * the rule's first character is always Rotor's own `>`). `ACL SAVE` writes the SHA-256 of
 * the password, never the password, so the ACL file cannot be broken by it either.
 * Whitespace is refused because the password also lands in env files, shells and URLs where
 * it would be split or trimmed; non-ASCII is refused because clients disagree on its encoding.
 */
export function validatePasswordRequirements(req: PasswordRequirements): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const length: unknown = req?.length;
  const required: Partial<Record<CharacterClass, unknown>> = req?.required ?? {};
  const allowedSymbols: unknown = req?.allowedSymbols;

  if (!isWhole(length) || length < PASSWORD_LENGTH_MIN || length > PASSWORD_LENGTH_MAX) {
    issues.push({
      field: `${FIELD}.length`,
      message: `must be a whole number from ${PASSWORD_LENGTH_MIN} to ${PASSWORD_LENGTH_MAX}`,
    });
  }

  let countsAreValid = true;
  for (const cls of CHARACTER_CLASSES) {
    const count = required[cls];
    if (!isWhole(count) || count < 0) {
      countsAreValid = false;
      issues.push({ field: `${FIELD}.required.${cls}`, message: 'must be a whole number of 0 or more' });
    }
  }

  if (countsAreValid) {
    const counts = CHARACTER_CLASSES.map((cls) => required[cls] as number);
    const total = counts.reduce((a, b) => a + b, 0);
    if (counts.every((c) => c === 0)) {
      issues.push({
        field: `${FIELD}.required`,
        message: 'at least one of digits, lowercase, uppercase or symbols must be required (count above 0)',
      });
    } else if (isWhole(length) && total > length) {
      issues.push({
        field: `${FIELD}.required`,
        message: `the required characters add up to ${total}, more than the length of ${length}`,
      });
    }
  }

  if (typeof allowedSymbols !== 'string') {
    issues.push({ field: `${FIELD}.allowedSymbols`, message: 'must be a string of symbols' });
  } else {
    const problem = symbolsProblem(allowedSymbols);
    if (problem) {
      issues.push({ field: `${FIELD}.allowedSymbols`, message: problem });
    } else if (allowedSymbols.length === 0 && isWhole(required.symbols) && required.symbols > 0) {
      issues.push({
        field: `${FIELD}.allowedSymbols`,
        message: 'must list at least one symbol when required.symbols is above 0',
      });
    }
  }

  return issues;
}

/** Printable ASCII without letters, digits or space; each symbol once. */
function symbolsProblem(symbols: string): string | null {
  const seen = new Set<string>();
  for (const ch of symbols) {
    const code = ch.codePointAt(0) as number;
    if (code === 0x20 || /\s/.test(ch)) return 'must not contain whitespace';
    if (code < 0x21 || code > 0x7e) return `must contain only printable ASCII symbols (found U+${hex4(code)})`;
    if (/[A-Za-z0-9]/.test(ch)) return `must contain only symbols, not letters or digits (found "${ch}")`;
    if (seen.has(ch)) return `must list each symbol once ("${ch}" appears twice)`;
    seen.add(ch);
  }
  return null;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

function isWhole(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n);
}
