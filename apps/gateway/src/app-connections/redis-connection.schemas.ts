import { z } from 'zod';
import { atLeastOneField, descriptionSchema, projectIdSchema, slugSchema, wholeNumberMessage } from '@rotor/rotation-domain';

/** `/api/v1/app-connections/redis`: how Rotor reaches a Redis deployment as a user that may run ACL SETUSER. */

const hostSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._:[\]-]+$/, { error: 'must be a host name or IP address (no scheme, port, path or spaces)' });

const portSchema = z
  .number()
  .int({ error: wholeNumberMessage(1, 65535) })
  .min(1, { error: wholeNumberMessage(1, 65535) })
  .max(65535, { error: wholeNumberMessage(1, 65535) });

const nodeSchema = z.strictObject({ host: hostSchema, port: portSchema });

/** Write-only: accepted here, never part of an answer. */
const secretSchema = z.string().min(1).max(1024);

const aclUsernameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s]+$/, { error: 'must not contain whitespace' });

export const tlsSchema = z.strictObject({
  enabled: z.boolean(),
  caCertificate: z
    .string()
    .max(65_536)
    .regex(/-----BEGIN CERTIFICATE-----/, { error: 'must be a PEM certificate (-----BEGIN CERTIFICATE-----…)' })
    .nullable()
    .default(null),
  rejectUnauthorized: z.boolean().default(true),
  servername: hostSchema.nullable().default(null).describe('Name to verify the server certificate against (SNI), when it differs from host.'),
});

export const topologySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('single') }),
  z.strictObject({ type: z.literal('replicas'), replicas: z.array(nodeSchema).min(1).max(64).describe('Replicas of the primary at host:port.') }),
  z.strictObject({
    type: z.literal('sentinel'),
    masterName: z.string().min(1).max(128),
    sentinels: z.array(nodeSchema).min(1).max(16),
    sentinelUsername: aclUsernameSchema.nullable().default(null),
    sentinelPassword: secretSchema.nullable().default(null).describe('Write-only.'),
  }),
  z.strictObject({ type: z.literal('cluster') }),
]);

/** Added by Rotor (not an Infisical field): how Rotor keeps its ACL changes across a restart. */
export const aclPersistenceModeSchema = z
  .enum(['auto', 'config-rewrite', 'managed'])
  .describe(
    "Added by Rotor. How Rotor keeps its ACL changes across a restart: 'auto' (default) runs ACL SAVE where an aclfile is kept; " +
      "'config-rewrite' also runs CONFIG REWRITE where users live in the config file; 'managed' is for services that persist ACLs " +
      'themselves and refuse CONFIG / ACL SAVE: Rotor sends neither.',
  );

export const createRedisConnectionSchema = z.strictObject({
  name: slugSchema('Name of the connection, unique in its project.'),
  description: descriptionSchema.optional(),
  projectId: projectIdSchema,
  host: hostSchema.describe('Host of the primary (or a seed node of a cluster).'),
  port: portSchema.default(6379),
  username: aclUsernameSchema.describe('Redis user that may run ACL SETUSER, ACL DELUSER and ACL SAVE.'),
  password: secretSchema.describe('Write-only: never returned.'),
  tls: tlsSchema.default({ enabled: false, caCertificate: null, rejectUnauthorized: true, servername: null }),
  topology: topologySchema.default({ type: 'single' }),
  aclPersistenceMode: aclPersistenceModeSchema.default('auto'),
});

export const updateRedisConnectionSchema = z
  .strictObject({
    name: slugSchema('New name.').optional(),
    description: descriptionSchema.optional(),
    host: hostSchema.optional(),
    port: portSchema.optional(),
    username: aclUsernameSchema.optional(),
    password: secretSchema.optional().describe('Write-only.'),
    tls: tlsSchema.optional(),
    topology: topologySchema.optional(),
    aclPersistenceMode: aclPersistenceModeSchema.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, atLeastOneField);

export const listConnectionsQuerySchema = z.strictObject({ projectId: projectIdSchema });

const connectionView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  projectId: z.string(),
  app: z.literal('redis'),
  method: z.literal('username-and-password'),
  host: z.string(),
  port: z.number().int(),
  username: z.string(),
  tls: z.object({ enabled: z.boolean(), caCertificate: z.string().nullable(), rejectUnauthorized: z.boolean(), servername: z.string().nullable() }),
  topology: z.object({ type: z.enum(['single', 'replicas', 'sentinel', 'cluster']) }).loose(),
  aclPersistenceMode: aclPersistenceModeSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const connectionResponseSchema = z.object({
  appConnection: connectionView,
  // Added by Rotor, on create and on an update that checked the connection again.
  connectionCheck: z.object({
    aclPersistence: z.enum(['aclfile', 'config-file', 'managed', 'memory-only', 'mixed']),
    configRewriteAvailable: z.boolean().describe("Some node keeps users in memory only but was started with a config file: aclPersistenceMode 'config-rewrite' would persist Rotor's users there."),
    message: z.string(),
  }).optional().describe("Whether Rotor's users survive a restart of every node: kept in an aclfile, written to the config file by CONFIG REWRITE, persisted by a managed service, or in memory only (a restart loses them until continuous verification heals them)."),
});
export const connectionListResponseSchema = z.object({ appConnections: z.array(connectionView) });
