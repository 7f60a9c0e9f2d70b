import type { Response } from 'express';
import type { UpstreamResponse } from './internal-http.client';

/** Answers the client with the service's status and body (2xx or a passed-through 4xx). */
export function relay(res: Response, upstream: UpstreamResponse): unknown {
  res.status(upstream.status);
  return upstream.body;
}
