import { ACL_SAVE, USER_MANAGEMENT, parseGetUser, rulesAllow } from './admin-permissions';

const [SETUSER, DELUSER, CONFIG_GET] = USER_MANAGEMENT;

describe('rulesAllow (the ACL GETUSER fallback)', () => {
  it.each([
    ['+@all', true],
    ['allcommands', true],
    ['-@all', false],
    ['', false],
    ['+@all -acl', false],
    ['+@all -acl|setuser', false],
    ['+@all -acl|deluser', true],
    ['-@all +acl', true],
    ['-@all +acl|setuser', true],
    ['-@all +@admin', true],
    ['+@admin -@dangerous', false],
    ['+@all -@slow +acl|setuser', true],
    ['nocommands +acl|setuser', true],
    ['+@all nocommands', false],
    ['-@all +@read +@write', false],
  ])('%p → ACL SETUSER allowed: %p', (rules, expected) => {
    expect(rulesAllow(rules, SETUSER)).toBe(expected);
  });

  it('tells subcommands of the same container apart', () => {
    expect(rulesAllow('-@all +acl|setuser', DELUSER)).toBe(false);
    expect(rulesAllow('-@all +config|get', CONFIG_GET)).toBe(true);
    expect(rulesAllow('-@all +config|get', ACL_SAVE)).toBe(false);
  });
});

describe('parseGetUser', () => {
  it('returns the root rules and those of every selector', () => {
    const reply = ['flags', ['on'], 'passwords', [], 'commands', '-@all +get', 'keys', '~*', 'channels', '', 'selectors', [
      ['commands', '-@all +acl|setuser', 'keys', '', 'channels', ''],
    ]];
    const user = parseGetUser(reply);
    expect(user?.ruleSets).toEqual(['-@all +get', '-@all +acl|setuser']);
    expect(user?.ruleSets.some((r) => rulesAllow(r, SETUSER))).toBe(true);
  });

  it('returns null for a missing user', () => {
    expect(parseGetUser(null)).toBeNull();
  });
});
