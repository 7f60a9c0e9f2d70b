import fc from 'fast-check';
import { DEFAULT_PERMISSION_SCOPE, parsePermissionScope } from './permission-scope';

const FIELD = 'parameters.permissionScope';

function rulesOf(scope: string | null | undefined): string[] {
  const result = parsePermissionScope(scope);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(scope)} to parse: ${JSON.stringify(result.issues)}`);
  return result.rules;
}

function messagesOf(scope: string): string[] {
  const result = parsePermissionScope(scope);
  if (result.ok) throw new Error(`expected ${JSON.stringify(scope)} to be refused`);
  for (const issue of result.issues) expect(issue.field).toBe(FIELD);
  return result.issues.map((i) => i.message);
}

describe('parsePermissionScope', () => {
  it('falls back to "~* +@all" when the scope is missing or blank', () => {
    expect(DEFAULT_PERMISSION_SCOPE).toBe('~* +@all');
    for (const blank of [undefined, null, '', '   \n\t']) expect(rulesOf(blank)).toEqual(['~*', '+@all']);
  });

  it('splits on any whitespace into separate ACL SETUSER arguments', () => {
    expect(rulesOf('  ~app:*\t+@read\n -@dangerous  ')).toEqual(['~app:*', '+@read', '-@dangerous']);
  });

  describe('accepts permission rules', () => {
    it.each([
      ['a key pattern', '~cache:*'],
      ['every key', '~*'],
      ['an empty key pattern, as Redis does', '~'],
      ['a read-only key pattern', '%R~cache:*'],
      ['a write-only key pattern', '%W~cache:*'],
      ['a read-write key pattern', '%RW~cache:*'],
      ['flags in either order and case', '%wr~cache:*'],
      ['allkeys', 'allkeys'],
      ['resetkeys', 'resetkeys'],
      ['a channel pattern', '&events:*'],
      ['allchannels', 'allchannels'],
      ['resetchannels', 'resetchannels'],
      ['a command', '+get'],
      ['a removed command', '-flushall'],
      ['a module command', '+JSON.GET'],
      ['a subcommand', '+config|get'],
      ['a removed subcommand', '-client|kill'],
      ['a first argument', '+select|0'],
      ['a category', '+@read'],
      ['a removed category', '-@dangerous'],
      ['a category in capitals', '+@READ'],
      ['a Redis 8 module category', '+@json'],
      ['allcommands', 'allcommands'],
      ['nocommands', 'nocommands'],
      ['keywords in any case', 'AllKeys'],
    ])('%s: %s', (_what, rule) => {
      expect(rulesOf(rule)).toEqual([rule]);
    });

    it('keeps a selector as one argument, however it was spaced', () => {
      expect(rulesOf('-@all (  ~read:*   +@read ) (%W~write:* +set &ch)')).toEqual([
        '-@all',
        '(~read:* +@read)',
        '(%W~write:* +set &ch)',
      ]);
    });

    it('accepts an empty selector, as Redis does', () => {
      expect(rulesOf('()')).toEqual(['()']);
    });

    it('accepts every rule kind inside a selector', () => {
      const inner = 'resetkeys ~a %R~b allchannels resetchannels &c allcommands nocommands +get -set +config|get +@read -@write allkeys';
      expect(rulesOf(`(${inner})`)).toEqual([`(${inner})`]);
    });

    it('allows "~*" and "allkeys" together and patterns again after "resetkeys"', () => {
      expect(rulesOf('~* allkeys resetkeys ~a &* allchannels resetchannels &b')).toHaveLength(8);
    });
  });

  describe('refuses rules that change the user or its passwords', () => {
    it.each(['on', 'off', 'reset', 'nopass', 'resetpass', 'clearselectors', 'ON', 'Reset', 'NoPass'])('%s', (rule) => {
      expect(messagesOf(`~* ${rule} +@all`)).toEqual([
        `${JSON.stringify(rule)} is not allowed: it changes the user's state or passwords, which Rotor manages`,
      ]);
    });

    it.each(['>', '<', '#', '!'])('password rules starting with %s, without echoing the password', (prefix) => {
      const messages = messagesOf(`~* ${prefix}hunter2-secret +@all`);
      expect(messages).toEqual([`password rules ("${prefix}…") are not allowed: Rotor sets the user's passwords itself`]);
      expect(messages.join(' ')).not.toContain('hunter2');
    });

    it('also inside a selector', () => {
      expect(messagesOf('(~a on)')[0]).toMatch(/^"on" is not allowed.*\(in selector "\(~a on\)"\)$/);
      const [message] = messagesOf('(~a >hunter2)');
      expect(message).toBe('password rules (">…") are not allowed: Rotor sets the user\'s passwords itself (in selector "(~a >…")');
    });

    it('without echoing a password inside a broken selector', () => {
      for (const scope of ['(~a >hun)ter2', '(~a <hunter2 (+get))', '~* (#hunter2 +get']) {
        expect(messagesOf(scope).join(' ')).not.toContain('ter2');
      }
    });
  });

  describe('refuses what Redis would reject or misread', () => {
    it.each([
      ['an unknown keyword', 'allkey', '"allkey" is not a Redis ACL permission rule'],
      ['a bare word', 'get', '"get" is not a Redis ACL permission rule'],
      ['an unknown category', '+@nosuch', '"+@nosuch" names an unknown ACL category'],
      ['a category with a subcommand', '+@all|x', '"+@all|x" names an unknown ACL category'],
      ['an empty subcommand', '+config|', '"+config|" is not a Redis ACL permission rule'],
      ['two subcommand levels', '+a|b|c', '"+a|b|c" is not a Redis ACL permission rule'],
      ['a bare sign', '+', '"+" is not a Redis ACL permission rule'],
      ['% without flags', '%~a', '"%~a" is not a Redis ACL permission rule'],
      ['repeated key flags', '%RR~a', '"%RR~a" has invalid key permissions; use ~, %R~, %W~ or %RW~'],
      ['a quote', "~a'b", `"~a'b" contains a quote, which Redis would reinterpret`],
      ['a double quote', '~a"b', '"~a\\"b" contains a quote, which Redis would reinterpret'],
      ['a control character', '~a\u0001b', '"~a\\u0001b" contains a control character'],
    ])('%s: %s', (_what, rule, message) => {
      expect(messagesOf(rule)).toEqual([message]);
    });

    it('a key pattern after "~*" or "allkeys" in the same scope', () => {
      expect(messagesOf('~* ~cache:*')).toEqual([
        '"~cache:*" follows "~*" or "allkeys" in the same scope, which Redis rejects; add "resetkeys" first',
      ]);
      expect(messagesOf('allkeys %R~cache:*')).toHaveLength(1);
      expect(messagesOf('(allkeys ~a)')[0]).toContain('in the same selector');
    });

    it('a channel pattern after "&*" or "allchannels"', () => {
      expect(messagesOf('allchannels &news')).toEqual([
        '"&news" follows "&*" or "allchannels" in the same scope, which Redis rejects; add "resetchannels" first',
      ]);
    });

    it('counts "allkeys" per selector, as Redis does', () => {
      expect(rulesOf('~* (~a +get)')).toEqual(['~*', '(~a +get)']);
    });

    it('an unclosed selector', () => {
      expect(messagesOf('~* (~a +get')).toEqual(['selector "(~a +get" is missing its closing ")"']);
    });

    it('a nested selector', () => {
      expect(messagesOf('(~a (+get))')).toEqual([
        'selector "(~a (+get))" may not contain "(" or ")"; selectors cannot be nested',
      ]);
    });

    it('reports every bad token, naming each', () => {
      expect(messagesOf('~* on +@nosuch foo')).toEqual([
        '"on" is not allowed: it changes the user\'s state or passwords, which Rotor manages',
        '"+@nosuch" names an unknown ACL category',
        '"foo" is not a Redis ACL permission rule',
      ]);
    });
  });
});

// ---- properties ---------------------------------------------------------------------------

/** Pattern characters Redis takes literally: printable ASCII without space, quotes or parentheses. */
const patternChar = fc.constantFrom(
  ...[...Array(0x7f - 0x21).keys()].map((i) => String.fromCharCode(0x21 + i)).filter((c) => !`"'()`.includes(c)),
);
const pattern = fc.string({ unit: patternChar, maxLength: 12 }).filter((p) => p !== '*');
const name = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,10}$/);

/** Rules that never conflict with each other, in any order. */
const safeRule = fc.oneof(
  pattern.map((p) => `~${p}`),
  fc.tuple(fc.constantFrom('%R~', '%W~', '%RW~', '%WR~'), pattern).map(([f, p]) => f + p),
  pattern.filter((p) => p !== '').map((p) => `&${p}`),
  fc.tuple(fc.constantFrom('+', '-'), name).map(([s, n]) => s + n),
  fc.tuple(fc.constantFrom('+', '-'), name, name).map(([s, c, sub]) => `${s}${c}|${sub}`),
  fc.tuple(fc.constantFrom('+@', '-@'), fc.constantFrom('all', 'read', 'write', 'admin', 'dangerous', 'pubsub')).map(([s, c]) => s + c),
  fc.constantFrom('resetkeys', 'resetchannels', 'allcommands', 'nocommands'),
);
const selector = fc.array(safeRule, { maxLength: 5 }).map((rules) => `(${rules.join(' ')})`);
const validRule = fc.oneof({ weight: 4, arbitrary: safeRule }, { weight: 1, arbitrary: selector });
const space = fc.constantFrom(' ', '  ', '\t', '\n', ' \t ');

function join(rules: string[], spaces: string[]): string {
  return rules.map((r, i) => r + (spaces[i] ?? ' ')).join('');
}

const forbidden = fc.oneof(
  fc.constantFrom('on', 'off', 'reset', 'nopass', 'resetpass', 'clearselectors', 'OFF', 'Reset'),
  fc.tuple(fc.constantFrom('>', '<', '#', '!'), fc.stringMatching(/^[A-Za-z0-9]{8,20}$/)).map(([p, pw]) => p + pw),
  fc.stringMatching(/^[a-z]{2,10}$/).filter((w) => !['allkeys', 'resetkeys', 'allchannels', 'resetchannels', 'allcommands', 'nocommands'].includes(w)),
);

describe('parsePermissionScope properties', () => {
  it('accepts any sequence of permission rules and returns them in order', () => {
    fc.assert(
      fc.property(fc.array(validRule, { minLength: 1, maxLength: 8 }), fc.array(space, { maxLength: 8 }), (rules, spaces) => {
        expect(rulesOf(join(rules, spaces))).toEqual(rules);
      }),
    );
  });

  it('refuses a scope with any forbidden token, naming the field and never echoing a password', () => {
    fc.assert(
      fc.property(fc.array(safeRule, { maxLength: 6 }), forbidden, fc.nat(), (rules, bad, at) => {
        const tokens = [...rules];
        tokens.splice(at % (rules.length + 1), 0, bad);
        const result = parsePermissionScope(tokens.join(' '));
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.issues).toHaveLength(1);
        expect(result.issues[0].field).toBe(FIELD);
        if (/^[><#!]/.test(bad)) expect(result.issues[0].message).not.toContain(bad.slice(1));
        else expect(result.issues[0].message).toContain(JSON.stringify(bad));
      }),
    );
  });

  it('never echoes a password rule, wherever it sits', () => {
    const password = fc.stringMatching(/^[A-Za-z0-9)(|]{12,20}$/);
    fc.assert(
      fc.property(fc.array(validRule, { maxLength: 4 }), fc.constantFrom('>', '<', '#', '!'), password, fc.nat(), fc.boolean(), (rules, prefix, pw, at, inSelector) => {
        const tokens = [...rules];
        tokens.splice(at % (rules.length + 1), 0, inSelector ? `(~a ${prefix}${pw}` : prefix + pw);
        const result = parsePermissionScope(tokens.join(' '));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.issues.map((i) => i.message).join(' ')).not.toContain(pw.slice(2));
      }),
    );
  });

  it('never throws, and whatever it accepts contains no state or password rule', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (scope) => {
        const result = parsePermissionScope(scope);
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThan(0);
          return;
        }
        for (const rule of result.rules.flatMap((r) => r.replace(/^\(|\)$/g, '').split(' '))) {
          expect(rule).not.toMatch(/^([<>#!]|(on|off|reset|nopass|resetpass|clearselectors)$)/i);
        }
      }),
      { numRuns: 500 },
    );
  });
});
