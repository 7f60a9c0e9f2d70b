import { z } from 'zod';

/**
 * A credential sealed by @rotor/crypto (AES-256-GCM envelope). Contracts only check its
 * shape; a plaintext credential never matches it.
 */
export const SEALED_PREFIX = 'enc:v1:';
export const Sealed = z.string().startsWith(SEALED_PREFIX, { message: `must be a sealed value (${SEALED_PREFIX}…)` });

export const Id = z.string().min(1).max(128);
export const IsoTime = z.iso.datetime({ offset: true });

export const RotateAtUtc = z.object({
  hours: z.number().int().min(0).max(23),
  minutes: z.number().int().min(0).max(59),
}).strict();

export const PasswordRequirements = z.object({
  length: z.number().int(),
  required: z.object({
    digits: z.number().int().min(0),
    lowercase: z.number().int().min(0),
    uppercase: z.number().int().min(0),
    symbols: z.number().int().min(0),
  }).strict(),
  allowedSymbols: z.string(),
}).strict();

/** The rotation's `parameters` as the API shows them; the scope is the user's text. */
export const RotationParameters = z.object({
  passwordRequirements: PasswordRequirements,
  permissionScope: z.string(),
}).strict();

export const SecretsMapping = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
}).strict();

export const RedisNode = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).strict();

export const RedisTopology = z.discriminatedUnion('type', [
  z.object({ type: z.literal('single') }).strict(),
  z.object({ type: z.literal('replicas'), replicas: z.array(RedisNode) }).strict(),
  z.object({
    type: z.literal('sentinel'),
    masterName: z.string().min(1),
    sentinels: z.array(RedisNode).min(1),
    sentinelUsername: z.string().nullable(),
    sentinelPassword: Sealed.nullable(),
  }).strict(),
  z.object({ type: z.literal('cluster') }).strict(),
]);

export const RedisTls = z.object({
  enabled: z.boolean(),
  caCertificate: z.string().nullable(),
  rejectUnauthorized: z.boolean(),
  servername: z.string().nullable(),
}).strict();

/**
 * How Rotor keeps its ACL changes across a restart: 'auto' (ACL SAVE where an aclfile is kept),
 * 'config-rewrite' (also CONFIG REWRITE where none is), 'managed' (the service persists ACLs
 * itself; Rotor never sends CONFIG or ACL SAVE). Absent means 'auto'.
 */
export const AclPersistenceMode = z.enum(['auto', 'config-rewrite', 'managed']);

/** Everything the executor needs to reach a Redis deployment; the admin password sealed. */
export const RedisConnectionRef = z.object({
  connectionId: Id,
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  username: z.string().min(1),
  password: Sealed,
  tls: RedisTls,
  topology: RedisTopology,
  aclPersistenceMode: AclPersistenceMode.optional(),
}).strict();

/** 'heal': requested by rotation-config when continuous verification found the served credential broken. */
export const RotationReason = z.enum(['initial', 'manual', 'scheduled', 'retry', 'heal']);

/**
 * Who asked for a change: an identity through the API (never its token, only the token's
 * id), or Rotor itself (schedules, retries, undoing a failed create).
 */
export const Actor = z.discriminatedUnion('type', [
  z.object({ type: z.literal('identity'), id: Id, name: z.string().min(1), tokenId: Id.nullable().optional() }).strict(),
  z.object({ type: z.literal('rotor') }).strict(),
]);
export type Actor = z.infer<typeof Actor>;

export type RotateAtUtc = z.infer<typeof RotateAtUtc>;
export type PasswordRequirements = z.infer<typeof PasswordRequirements>;
export type RotationParameters = z.infer<typeof RotationParameters>;
export type SecretsMapping = z.infer<typeof SecretsMapping>;
export type RedisNode = z.infer<typeof RedisNode>;
export type RedisTopology = z.infer<typeof RedisTopology>;
export type RedisTls = z.infer<typeof RedisTls>;
export type RedisConnectionRef = z.infer<typeof RedisConnectionRef>;
export type AclPersistenceMode = z.infer<typeof AclPersistenceMode>;
export type RotationReason = z.infer<typeof RotationReason>;
