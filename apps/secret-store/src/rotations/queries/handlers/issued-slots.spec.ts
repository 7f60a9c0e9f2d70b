import { issuedSlots } from './get-generated-credentials.handler';

describe('generated credentials as listed', () => {
  const s0 = { username: 'rotor_a_0', password: 'p0' };
  const s1 = { username: 'rotor_a_1', password: 'p1' };

  it('lists slot 0 alone before the second rotation', () => {
    expect(issuedSlots([s0, null])).toEqual([s0]);
  });

  it('lists both slots by index once both were issued', () => {
    expect(issuedSlots([s0, s1])).toEqual([s0, s1]);
  });

  it('keeps positions when only slot 1 was issued, so activeIndex still points at it', () => {
    expect(issuedSlots([null, s1])).toEqual([{ username: '', password: '' }, s1]);
  });
});
