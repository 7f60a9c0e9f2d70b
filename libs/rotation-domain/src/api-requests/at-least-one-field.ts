/**
 * Refinement options for update bodies: an update must change something, said only when the
 * body has no other problem (an unknown key already explains an otherwise empty update).
 */
export const atLeastOneField = {
  message: 'must change at least one field',
  path: [],
  when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0,
};
