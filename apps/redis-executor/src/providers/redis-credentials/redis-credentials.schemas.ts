import { Id, PasswordRequirements, RedisConnectionRef } from '@rotor/contracts';
import { z } from 'zod';

/** A Redis deployment as events carry it: admin (and sentinel) password sealed. */
export const RedisCredentialsConnectionSchema = RedisConnectionRef;

/** What a RotationRequested asks of this provider besides the user. */
export const RedisCredentialsParametersSchema = z.object({
  /** ACL rules, one per element, passed to ACL SETUSER as separate arguments. */
  permissionScope: z.array(z.string()),
  passwordRequirements: PasswordRequirements,
}).strict();

/** The body of POST /internal/connections/check: a connection plus the project its secrets are sealed for. */
export const RedisConnectionCheckSchema = RedisConnectionRef.extend({ projectId: Id }).strict();
