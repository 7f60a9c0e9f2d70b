import { RotorError } from '@rotor/util';
import { InternalHttpClient, UpstreamResponse, UpstreamService } from './internal-http.client';

/** Ids the services hand out (UUIDs, or similar): anything else cannot name a resource. */
const RESOURCE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function isResourceId(id: string): boolean {
  return RESOURCE_ID.test(id);
}

/** Builds the error to throw: an Error captures a stack when built, so build it only to throw it. */
export type NotFound = () => RotorError;

/**
 * Fetches a resource by id from its owning service to learn its project, so the gateway can
 * authorize before acting. Absent, malformed and foreign ids end up as the same `notFound`.
 */
export async function fetchOwned(
  upstream: InternalHttpClient,
  service: UpstreamService,
  path: string,
  key: string,
  id: string,
  notFound: NotFound,
): Promise<{ projectId: string; response: UpstreamResponse }> {
  if (!isResourceId(id)) throw notFound();
  const response = await upstream.call(service, { method: 'GET', path: `${path}/${encodeURIComponent(id)}` });
  if (response.status >= 500) {
    const { error, message } = response.body as { error: string; message: string };
    throw new RotorError(error, message, 'unavailable');
  }
  if (response.status !== 200) throw notFound();
  const projectId = projectIdOf(response.body, key);
  if (!projectId) {
    throw new RotorError('UPSTREAM.INVALID_ANSWER', `${service} answered without the project of ${key} ${id}`, 'unavailable');
  }
  return { projectId, response };
}

/** `body[key].projectId`, when it is a string. */
export function projectIdOf(body: unknown, key: string): string | null {
  const item = (body as Record<string, unknown> | undefined)?.[key] as Record<string, unknown> | undefined;
  return typeof item?.['projectId'] === 'string' ? item['projectId'] : null;
}

/**
 * Defense in depth on answers the gateway relays: a single item of another project becomes
 * a 404 and list items of other projects are dropped, whatever the service returned.
 */
export function keepProject(response: UpstreamResponse, projectId: string, itemKey: string, listKey: string, notFound: NotFound): UpstreamResponse {
  if (response.status >= 300 || typeof response.body !== 'object' || response.body === null) return response;
  const body = response.body as Record<string, unknown>;
  const item = projectIdOf(body, itemKey);
  if (item !== null && item !== projectId) throw notFound();
  const list = body[listKey];
  if (Array.isArray(list)) {
    return { ...response, body: { ...body, [listKey]: list.filter((x) => (x as Record<string, unknown> | null)?.['projectId'] === projectId) } };
  }
  return response;
}
