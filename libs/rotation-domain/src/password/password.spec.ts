import fc from 'fast-check';
import { RotorError } from '@rotor/util';
import {
  CHARACTER_CLASSES,
  CharacterClass,
  DEFAULT_PASSWORD_REQUIREMENTS,
  PasswordRequirements,
  validatePasswordRequirements,
} from './password-requirements';
import { generatePassword, RandomIndex } from './generate-password';

const F = 'parameters.passwordRequirements';
const ALL_SYMBOLS = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];

const CLASS_TEST: Record<Exclude<CharacterClass, 'symbols'>, RegExp> = {
  digits: /[0-9]/,
  lowercase: /[a-z]/,
  uppercase: /[A-Z]/,
};

function countOf(password: string, cls: CharacterClass, symbols: string): number {
  return [...password].filter((ch) => (cls === 'symbols' ? symbols.includes(ch) : CLASS_TEST[cls].test(ch))).length;
}

type Overrides = Omit<Partial<PasswordRequirements>, 'required'> & { required?: Partial<PasswordRequirements['required']> };

function req(overrides: Overrides = {}): PasswordRequirements {
  return {
    ...DEFAULT_PASSWORD_REQUIREMENTS,
    ...overrides,
    required: { ...DEFAULT_PASSWORD_REQUIREMENTS.required, ...overrides.required },
  };
}

function fieldsOf(r: PasswordRequirements): string[] {
  return validatePasswordRequirements(r).map((i) => i.field);
}

/** A small deterministic PRNG (mulberry32) so a test can replay a password. */
function seeded(seed: number): RandomIndex {
  let a = seed >>> 0;
  return (max) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}

const symbolsArb = (minLength: number) =>
  fc.uniqueArray(fc.constantFrom(...ALL_SYMBOLS), { minLength, maxLength: ALL_SYMBOLS.length }).map((s) => s.join(''));

/** Any requirements the API must accept: counts fit the length, at least one class enabled. */
const validRequirements: fc.Arbitrary<PasswordRequirements> = fc
  .integer({ min: 12, max: 256 })
  .chain((length) =>
    fc
      .integer({ min: 0, max: length })
      .chain((a) => fc.integer({ min: 0, max: length - a }).map((b) => [a, b]))
      .chain(([a, b]) => fc.integer({ min: 0, max: length - a - b }).map((c) => [a, b, c]))
      .chain(([a, b, c]) => fc.integer({ min: 0, max: length - a - b - c }).map((d) => [a, b, c, d]))
      .filter((counts) => counts.some((n) => n > 0))
      .chain((counts) =>
        fc.shuffledSubarray(counts, { minLength: 4, maxLength: 4 }).chain(([digits, lowercase, uppercase, symbols]) =>
          symbolsArb(symbols > 0 ? 1 : 0).map((allowedSymbols) => ({
            length,
            required: { digits, lowercase, uppercase, symbols },
            allowedSymbols,
          })),
        ),
      ),
  );

const notWhole = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);

const broken = (r: PasswordRequirements, field: string): [PasswordRequirements, string] => [r, field];

/** Valid requirements broken in one known way, with the field the API must name. */
const invalidRequirements: fc.Arbitrary<[PasswordRequirements, string]> = fc.oneof(
  fc
    .tuple(validRequirements, fc.oneof(fc.integer({ max: 11 }), fc.integer({ min: 257 }), notWhole))
    .map(([r, length]) => broken({ ...r, length }, `${F}.length`)),
  fc
    .tuple(validRequirements, fc.constantFrom(...CHARACTER_CLASSES), fc.oneof(fc.integer({ max: -1 }), notWhole))
    .map(([r, cls, n]) => broken({ ...r, required: { ...r.required, [cls]: n } }, `${F}.required.${cls}`)),
  validRequirements.map((r) => broken({ ...r, required: { digits: 0, lowercase: 0, uppercase: 0, symbols: 0 } }, `${F}.required`)),
  fc
    .tuple(validRequirements, fc.constantFrom(...CHARACTER_CLASSES), fc.integer({ min: 1, max: 300 }))
    .map(([r, cls, extra]) => {
      const others = CHARACTER_CLASSES.filter((c) => c !== cls).reduce((sum, c) => sum + r.required[c], 0);
      const required = { ...r.required, [cls]: r.length - others + extra };
      const allowedSymbols = r.allowedSymbols || '!';
      return broken({ ...r, required, allowedSymbols }, `${F}.required`);
    }),
  fc
    .tuple(
      validRequirements,
      fc.oneof(
        fc.constantFrom(' ', '\t', '\n', '\u00a0', 'é', '€', '\u0000', '\u007f', 'a', 'Z', '5'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !ALL_SYMBOLS.includes(c)),
      ),
      fc.nat(),
    )
    .map(([r, bad, at]) => {
      const i = at % (r.allowedSymbols.length + 1);
      return broken({ ...r, allowedSymbols: r.allowedSymbols.slice(0, i) + bad + r.allowedSymbols.slice(i) }, `${F}.allowedSymbols`);
    }),
  validRequirements
    .filter((r) => r.allowedSymbols.length > 0)
    .map((r) => broken({ ...r, allowedSymbols: r.allowedSymbols + r.allowedSymbols[0] }, `${F}.allowedSymbols`)),
  validRequirements.map((r) =>
    broken({ ...r, required: { ...r.required, symbols: Math.max(1, r.required.symbols) }, allowedSymbols: '' }, `${F}.allowedSymbols`),
  ),
);

describe('validatePasswordRequirements', () => {
  it('accepts the defaults and the documented example', () => {
    expect(validatePasswordRequirements(DEFAULT_PASSWORD_REQUIREMENTS)).toEqual([]);
    expect(
      validatePasswordRequirements({
        length: 64,
        required: { digits: 1, lowercase: 1, uppercase: 1, symbols: 1 },
        allowedSymbols: '@!+',
      }),
    ).toEqual([]);
  });

  it('defaults to 48 characters with one of each class and URL-safe symbols', () => {
    expect(DEFAULT_PASSWORD_REQUIREMENTS).toEqual({
      length: 48,
      required: { digits: 1, lowercase: 1, uppercase: 1, symbols: 1 },
      allowedSymbols: '-_.~!*',
    });
  });

  it('accepts the length bounds 12 and 256 and rejects 11, 257 and fractions', () => {
    expect(fieldsOf(req({ length: 12 }))).toEqual([]);
    expect(fieldsOf(req({ length: 256 }))).toEqual([]);
    for (const length of [11, 257, 64.5, Number.NaN]) expect(fieldsOf(req({ length }))).toEqual([`${F}.length`]);
    expect(validatePasswordRequirements(req({ length: 11 }))[0].message).toBe('must be a whole number from 12 to 256');
  });

  it('rejects a negative or fractional count, naming its class', () => {
    expect(fieldsOf(req({ required: { digits: -1 } }))).toEqual([`${F}.required.digits`]);
    expect(fieldsOf(req({ required: { uppercase: 1.5 } }))).toEqual([`${F}.required.uppercase`]);
  });

  it('rejects counts that add up to more than the length', () => {
    const issues = validatePasswordRequirements(req({ length: 12, required: { digits: 10, lowercase: 3 } }));
    expect(issues).toEqual([{ field: `${F}.required`, message: 'the required characters add up to 15, more than the length of 12' }]);
    expect(fieldsOf(req({ length: 12, required: { digits: 9, lowercase: 1, uppercase: 1, symbols: 1 } }))).toEqual([]);
  });

  it('needs at least one class enabled', () => {
    expect(fieldsOf(req({ required: { digits: 0, lowercase: 0, uppercase: 0, symbols: 0 } }))).toEqual([`${F}.required`]);
  });

  it('needs symbols to choose from when symbols are required, and not otherwise', () => {
    expect(fieldsOf(req({ allowedSymbols: '' }))).toEqual([`${F}.allowedSymbols`]);
    expect(fieldsOf(req({ allowedSymbols: '', required: { symbols: 0 } }))).toEqual([]);
  });

  it('accepts every printable ASCII symbol, quotes and ACL prefixes included', () => {
    expect(fieldsOf(req({ allowedSymbols: ALL_SYMBOLS.join('') }))).toEqual([]);
  });

  it.each([
    ['a space', '!- ', 'must not contain whitespace'],
    ['a tab', '!\t', 'must not contain whitespace'],
    ['a letter', '!a', 'must contain only symbols, not letters or digits (found "a")'],
    ['a digit', '7!', 'must contain only symbols, not letters or digits (found "7")'],
    ['non-ASCII', '!€', 'must contain only printable ASCII symbols (found U+20AC)'],
    ['a control character', '!\u0007', 'must contain only printable ASCII symbols (found U+0007)'],
    ['a duplicate', '!-!', 'must list each symbol once ("!" appears twice)'],
  ])('rejects allowedSymbols with %s', (_what, allowedSymbols, message) => {
    expect(validatePasswordRequirements(req({ allowedSymbols }))).toEqual([{ field: `${F}.allowedSymbols`, message }]);
  });

  it('reports every broken field at once', () => {
    const fields = fieldsOf({ length: 5, required: { digits: -1, lowercase: 0, uppercase: 0, symbols: 0 }, allowedSymbols: 'ab' });
    expect(fields).toEqual([`${F}.length`, `${F}.required.digits`, `${F}.allowedSymbols`]);
  });

  it('names the fields of a malformed object instead of throwing', () => {
    const fields = fieldsOf({ length: '48', required: null, allowedSymbols: 3 } as unknown as PasswordRequirements);
    expect(fields).toEqual([
      `${F}.length`,
      `${F}.required.digits`,
      `${F}.required.lowercase`,
      `${F}.required.uppercase`,
      `${F}.required.symbols`,
      `${F}.allowedSymbols`,
    ]);
  });

  it('property: valid requirements have no issues', () => {
    fc.assert(fc.property(validRequirements, (r) => validatePasswordRequirements(r).length === 0));
  });

  it('property: broken requirements get an issue naming the broken field', () => {
    fc.assert(
      fc.property(invalidRequirements, ([r, field]) => {
        expect(fieldsOf(r)).toContain(field);
      }),
    );
  });
});

describe('generatePassword', () => {
  it('makes a 48-character password with every class by default', () => {
    const password = generatePassword(DEFAULT_PASSWORD_REQUIREMENTS);
    expect(password).toHaveLength(48);
    expect(password).toMatch(/^[A-Za-z0-9\-_.~!*]+$/);
    for (const cls of CHARACTER_CLASSES) expect(countOf(password, cls, '-_.~!*')).toBeGreaterThanOrEqual(1);
  });

  it('draws only from enabled classes', () => {
    const password = generatePassword(req({ length: 40, required: { digits: 12, lowercase: 0, uppercase: 0, symbols: 0 } }));
    expect(password).toMatch(/^[0-9]{40}$/);
    const symbolsOnly = generatePassword(req({ length: 20, required: { digits: 0, lowercase: 0, uppercase: 0, symbols: 2 }, allowedSymbols: '#' }));
    expect(symbolsOnly).toBe('#'.repeat(20));
  });

  it('is reproducible with an injected random source', () => {
    expect(generatePassword(DEFAULT_PASSWORD_REQUIREMENTS, seeded(7))).toBe(generatePassword(DEFAULT_PASSWORD_REQUIREMENTS, seeded(7)));
    expect(generatePassword(DEFAULT_PASSWORD_REQUIREMENTS, seeded(7))).not.toBe(generatePassword(DEFAULT_PASSWORD_REQUIREMENTS, seeded(8)));
  });

  it('shuffles the required characters instead of leaving them in front', () => {
    const r = req({ length: 12, required: { digits: 6, lowercase: 0, uppercase: 6, symbols: 0 } });
    const passwords = Array.from({ length: 50 }, (_, i) => generatePassword(r, seeded(i)));
    expect(passwords.every((p) => /^[0-9]{6}[A-Z]{6}$/.test(p))).toBe(false);
  });

  it('refuses impossible requirements before using any randomness', () => {
    const random = jest.fn<number, [number]>(() => 0);
    let error: unknown;
    try {
      generatePassword(req({ length: 12, required: { digits: 13 } }), random);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RotorError);
    expect(error).toMatchObject({
      code: 'PASSWORD.INVALID_REQUIREMENTS',
      kind: 'validation',
      details: [{ field: `${F}.required` }],
    });
    expect(random).not.toHaveBeenCalled();
  });

  it('fails loudly when the injected random source misbehaves', () => {
    expect(() => generatePassword(DEFAULT_PASSWORD_REQUIREMENTS, (max) => max)).toThrow(/random source returned/);
    expect(() => generatePassword(DEFAULT_PASSWORD_REQUIREMENTS, () => 0.5)).toThrow(/random source returned/);
  });

  it('property: any valid requirements give exactly `length` characters, each minimum met, only allowed characters', () => {
    fc.assert(
      fc.property(validRequirements, fc.integer(), (r, seed) => {
        const password = generatePassword(r, seeded(seed));
        expect(password).toHaveLength(r.length);
        const allowed = new Set<string>();
        if (r.required.digits > 0) [...'0123456789'].forEach((c) => allowed.add(c));
        if (r.required.lowercase > 0) [...'abcdefghijklmnopqrstuvwxyz'].forEach((c) => allowed.add(c));
        if (r.required.uppercase > 0) [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].forEach((c) => allowed.add(c));
        if (r.required.symbols > 0) [...r.allowedSymbols].forEach((c) => allowed.add(c));
        for (const ch of password) expect(allowed.has(ch)).toBe(true);
        for (const cls of CHARACTER_CLASSES) {
          expect(countOf(password, cls, r.allowedSymbols)).toBeGreaterThanOrEqual(r.required[cls]);
        }
      }),
    );
  });

  it('property: the default crypto source also meets every requirement', () => {
    fc.assert(
      fc.property(validRequirements, (r) => {
        const password = generatePassword(r);
        expect(password).toHaveLength(r.length);
        for (const cls of CHARACTER_CLASSES) expect(countOf(password, cls, r.allowedSymbols)).toBeGreaterThanOrEqual(r.required[cls]);
      }),
      { numRuns: 50 },
    );
  });

  it('property: any invalid requirements throw PASSWORD.INVALID_REQUIREMENTS naming the field', () => {
    fc.assert(
      fc.property(invalidRequirements, ([r, field]) => {
        expect(() => generatePassword(r, () => 0)).toThrow(RotorError);
        try {
          generatePassword(r, () => 0);
        } catch (e) {
          expect((e as RotorError).code).toBe('PASSWORD.INVALID_REQUIREMENTS');
          expect((e as RotorError).details.map((d) => d.field)).toContain(field);
        }
      }),
    );
  });
});
