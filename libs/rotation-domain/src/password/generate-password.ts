import { randomInt } from 'node:crypto';
import { RotorError } from '@rotor/util';
import {
  CHARACTER_CLASSES,
  CharacterClass,
  DIGITS,
  LOWERCASE,
  PasswordRequirements,
  UPPERCASE,
  validatePasswordRequirements,
} from './password-requirements';

/** A uniform random whole number in [0, maxExclusive). Injected so tests are deterministic. */
export type RandomIndex = (maxExclusive: number) => number;

const cryptoRandom: RandomIndex = (maxExclusive) => randomInt(maxExclusive);

/**
 * Generates a password of exactly `req.length` characters that holds *at least*
 * `req.required[cls]` characters of each class. Characters come only from enabled classes
 * (required count above 0; symbols only from `allowedSymbols`): first the required ones,
 * then the rest drawn from all enabled classes together, so a class can end up with more
 * than its minimum. A Fisher–Yates shuffle with the same random source then hides where the
 * required characters were put.
 *
 * Requirements are validated before any randomness is used; impossible ones throw a
 * RotorError with code 'PASSWORD.INVALID_REQUIREMENTS' and the field issues as details.
 */
export function generatePassword(req: PasswordRequirements, random: RandomIndex = cryptoRandom): string {
  const issues = validatePasswordRequirements(req);
  if (issues.length > 0) throw RotorError.validation('PASSWORD.INVALID_REQUIREMENTS', issues);

  const pick = checkedRandom(random);
  const enabled = CHARACTER_CLASSES.filter((cls) => req.required[cls] > 0);
  const chars: string[] = [];

  for (const cls of enabled) {
    const alphabet = alphabetOf(cls, req);
    for (let i = 0; i < req.required[cls]; i++) chars.push(alphabet[pick(alphabet.length)]);
  }

  const pool = enabled.map((cls) => alphabetOf(cls, req)).join('');
  while (chars.length < req.length) chars.push(pool[pick(pool.length)]);

  for (let i = chars.length - 1; i > 0; i--) {
    const j = pick(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

function alphabetOf(cls: CharacterClass, req: PasswordRequirements): string {
  switch (cls) {
    case 'digits':
      return DIGITS;
    case 'lowercase':
      return LOWERCASE;
    case 'uppercase':
      return UPPERCASE;
    case 'symbols':
      return req.allowedSymbols;
  }
}

/** A broken injected source must fail loudly, not quietly produce a weak or short password. */
function checkedRandom(random: RandomIndex): RandomIndex {
  return (maxExclusive) => {
    const n = random(maxExclusive);
    if (!Number.isInteger(n) || n < 0 || n >= maxExclusive) {
      throw new RotorError('PASSWORD.BAD_RANDOM', `random source returned ${n}, outside [0, ${maxExclusive})`);
    }
    return n;
  };
}
