import { randomBytes } from 'node:crypto';

/** A short lowercase id for topic, group and stream names that must not collide across runs. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}
