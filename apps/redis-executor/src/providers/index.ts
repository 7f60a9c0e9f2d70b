import { EnvelopeCipher } from '@rotor/crypto';
import type { AdminPool } from '@rotor/redis-acl';
import { createRedisCredentialsProvider, RedisCredentialsSpec } from './redis-credentials';
import { RotationProvider } from './rotation-provider';

/**
 * Each provider's own shapes, by type. Adding a provider = a folder like ./redis-credentials,
 * one line here and one in createRotationProviders; the mapped type below makes a missing
 * registry entry a compile error.
 */
export interface ProviderSpecs {
  'redis-credentials': RedisCredentialsSpec;
}

export type ProviderType = keyof ProviderSpecs;

export type RotationProviders = {
  readonly [T in ProviderType]: RotationProvider<ProviderSpecs[T]> & { readonly type: T };
};

/** Injection token of the RotationProviders. */
export const ROTATION_PROVIDERS = Symbol('ROTATION_PROVIDERS');

export interface ProviderDeps {
  cipher: EnvelopeCipher;
  /** Admin connections and topologies kept across jobs (absent: one connection per node and job). */
  redisAdmin?: AdminPool;
}

export function createRotationProviders(deps: ProviderDeps): RotationProviders {
  return {
    'redis-credentials': createRedisCredentialsProvider(deps),
  };
}

export * from './rotation-provider';
export * from './redis-credentials';
