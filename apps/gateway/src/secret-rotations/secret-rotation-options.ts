import { DEFAULT_PASSWORD_REQUIREMENTS, DEFAULT_PERMISSION_SCOPE } from '@rotor/rotation-domain';

/** The rotation providers Rotor offers (Redis is the first), with what a new rotation starts from. */
export type SecretRotationType = 'redis-credentials';

export interface SecretRotationOption {
  name: string;
  type: SecretRotationType;
  connection: 'redis';
  rotationType: 'dual-phase';
  template: {
    permissionScope: string;
    passwordRequirements: typeof DEFAULT_PASSWORD_REQUIREMENTS;
    secretsMapping: { username: string; password: string };
  };
  defaults: {
    isAutoRotationEnabled: boolean;
    rotateAtUtc: { hours: number; minutes: number };
  };
}

// A Record, so adding a provider type without its option fails to compile.
const OPTIONS: Record<SecretRotationType, SecretRotationOption> = {
  'redis-credentials': {
    name: 'Redis Credentials',
    type: 'redis-credentials',
    connection: 'redis',
    rotationType: 'dual-phase',
    template: {
      permissionScope: DEFAULT_PERMISSION_SCOPE,
      passwordRequirements: DEFAULT_PASSWORD_REQUIREMENTS,
      secretsMapping: { username: 'REDIS_USERNAME', password: 'REDIS_PASSWORD' },
    },
    defaults: { isAutoRotationEnabled: true, rotateAtUtc: { hours: 0, minutes: 0 } },
  },
};

export function secretRotationOptions(): SecretRotationOption[] {
  return Object.values(OPTIONS).map((o) => structuredClone(o));
}
