import { z } from 'zod';
import { slugProblem } from '@rotor/rotation-domain';

const slug = z.string().superRefine((value, ctx) => {
  const problem = slugProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const Node = z.object({ host: z.string().min(1).max(255), port: z.number().int().min(1).max(65535) }).strict();

export const TlsSchema = z.object({
  enabled: z.boolean(),
  caCertificate: z.string().max(65_536).nullable().default(null),
  rejectUnauthorized: z.boolean().default(true),
  servername: z.string().max(255).nullable().default(null),
}).strict();

export const TopologySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('single') }).strict(),
  z.object({ type: z.literal('replicas'), replicas: z.array(Node).min(1).max(64) }).strict(),
  z.object({
    type: z.literal('sentinel'),
    masterName: z.string().min(1).max(255),
    sentinels: z.array(Node).min(1).max(16),
    sentinelUsername: z.string().min(1).max(128).nullable().default(null),
    /** Write-only, like the admin password. */
    sentinelPassword: z.string().min(1).max(1024).nullable().default(null),
  }).strict(),
  z.object({ type: z.literal('cluster') }).strict(),
]);

export const AclPersistenceModeSchema = z.enum(['auto', 'config-rewrite', 'managed']);

const connectionFields = {
  name: slug,
  description: z.string().max(256).nullable().default(null),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(6379),
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
  tls: TlsSchema.default({ enabled: false, caCertificate: null, rejectUnauthorized: true, servername: null }),
  topology: TopologySchema.default({ type: 'single' }),
  aclPersistenceMode: AclPersistenceModeSchema.default('auto'),
};

export const CreateConnectionBody = z.object({ projectId: z.string().min(1).max(128), ...connectionFields }).strict();

/** Every field optional; an absent password (or sentinel password) keeps the stored one. */
export const UpdateConnectionBody = z.object({
  name: connectionFields.name.optional(),
  description: z.string().max(256).nullable().optional(),
  host: connectionFields.host.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  username: connectionFields.username.optional(),
  password: connectionFields.password.optional(),
  tls: TlsSchema.optional(),
  topology: TopologySchema.optional(),
  aclPersistenceMode: AclPersistenceModeSchema.optional(),
}).strict();

export type CreateConnectionInput = z.infer<typeof CreateConnectionBody>;
export type UpdateConnectionInput = z.infer<typeof UpdateConnectionBody>;
export type ConnectionTls = z.infer<typeof TlsSchema>;
export type ConnectionTopologyInput = z.infer<typeof TopologySchema>;
export type AclPersistenceModeInput = z.infer<typeof AclPersistenceModeSchema>;
