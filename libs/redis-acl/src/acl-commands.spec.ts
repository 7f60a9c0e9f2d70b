import { assertPermissionRules, assertRotorUsername, delUserArgs, isRotorUsername, setUserArgs } from './acl-commands';

const ID = '0123456789abcdef0123456789abcdef';

describe('Rotor usernames', () => {
  it('accepts only rotor_<32 lowercase hex>_<0|1>', () => {
    expect(isRotorUsername(`rotor_${ID}_0`)).toBe(true);
    expect(isRotorUsername(`rotor_${ID}_1`)).toBe(true);
    for (const name of ['default', 'rotor-admin', `rotor_${ID}_2`, `rotor_${ID.toUpperCase()}_0`, `rotor_${ID}0_0`, ` rotor_${ID}_0`, `rotor_${ID}_0\n`]) {
      expect(isRotorUsername(name)).toBe(false);
    }
  });

  it('throws NOT_ROTOR_USER, not retryable, for anything else', () => {
    expect(() => assertRotorUsername('default')).toThrow(expect.objectContaining({ code: 'NOT_ROTOR_USER', retryable: false, node: null }));
  });
});

describe('ACL SETUSER arguments', () => {
  it('resets the user, enables it, sets one password and appends every rule as its own argument', () => {
    expect(setUserArgs(`rotor_${ID}_0`, 'a b >c', ['~app:*', '+get', '(~x:* +set)'])).toEqual([
      'SETUSER',
      `rotor_${ID}_0`,
      'reset',
      'on',
      '>a b >c',
      '~app:*',
      '+get',
      '(~x:* +set)',
    ]);
  });

  it('deletes several users with one command', () => {
    expect(delUserArgs(['a', 'b'])).toEqual(['DELUSER', 'a', 'b']);
  });
});

describe('permission rules', () => {
  it('accepts key, channel, command and selector rules', () => {
    expect(() => assertPermissionRules(['~*', '%R~cache:*', '&events:*', '+@all', '-flushall', '+config|get', '(~x:* +get)', 'allkeys'])).not.toThrow();
  });

  it.each(['nopass', 'NOPASS', '>another', '<old', '#abc', '!abc', 'resetpass', 'reset', 'off', 'on', '', '  '])('refuses %p', (rule) => {
    expect(() => assertPermissionRules(['~*', rule])).toThrow(expect.objectContaining({ code: 'INVALID_RULES' }));
  });

  it('does not echo a password-like rule in the error', () => {
    expect(() => assertPermissionRules(['>s3cret-value'])).toThrow(expect.not.objectContaining({ message: expect.stringContaining('s3cret-value') }));
  });
});
