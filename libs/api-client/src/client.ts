import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { RotorApiError, toRotorApiError } from './errors';
import type { paths } from './generated/openapi';

export type RotorClient = Client<paths>;

export interface RotorClientOptions {
  /** Where the gateway answers, e.g. `http://127.0.0.1:8080` (no trailing `/api`). */
  baseUrl: string;
  /** The machine identity's bearer token, or a function read on every request (a console that signs in later). */
  token: string | (() => string | undefined);
  /** Another fetch (tests, proxies); the platform's global fetch by default. */
  fetch?: typeof fetch;
  /** Extra headers on every request (e.g. `user-agent` from a CLI). */
  headers?: Record<string, string>;
}

/**
 * A typed client of every public route (paths, bodies, answers from the gateway's OpenAPI
 * document). It works in a browser and in Node 20; the token never goes into a URL.
 */
export function createRotorClient(options: RotorClientOptions): RotorClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: options.fetch,
    headers: options.headers,
  });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = typeof options.token === 'function' ? options.token() : options.token;
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The answer's body, or a thrown RotorApiError: `const { secretRotation } = await ok(api.GET(…))`.
 * A request that never got an answer (refused, reset) throws status 0, `NETWORK.UNREACHABLE`.
 */
export async function ok<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (e) {
    throw new RotorApiError(0, 'NETWORK.UNREACHABLE', `The Rotor API did not answer: ${(e as Error).message}`);
  }
  if (!result.response.ok) throw toRotorApiError(result.response.status, result.error);
  return result.data as T;
}
