import { ACTOR_HEADER, CORRELATION_ID_HEADER, encodeActorHeader } from '@rotor/service-runtime';
import type { AuthenticatedRequest } from '../auth/authenticated-identity';
import { currentAuditContext } from './audit-context';

/**
 * Headers for a call to an internal service on behalf of the current request: its correlation
 * id (so the events it causes carry it) and who asked (identity id, name and token id).
 */
export function auditHeaders(): Record<string, string> {
  const context = currentAuditContext();
  if (!context) return {};
  const identity = (context.request as AuthenticatedRequest).identity;
  const headers: Record<string, string> = { [CORRELATION_ID_HEADER]: context.correlationId };
  if (identity) headers[ACTOR_HEADER] = encodeActorHeader({ type: 'identity', id: identity.id, name: identity.name, tokenId: identity.tokenId });
  return headers;
}
