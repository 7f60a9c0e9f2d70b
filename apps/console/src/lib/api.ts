import { createRotorClient, ok, RotorApiError, type RotorClient } from '@rotor/api-client';
import { clearToken, readToken } from './session';

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the API answers 401 (token revoked or unknown): the console signs out. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The one API client of the console: same origin, the session's token on every call. */
export const api: RotorClient = createRotorClient({ baseUrl: window.location.origin, token: () => readToken() });
api.use({
  onResponse({ response }) {
    if (response.status === 401 && readToken()) {
      clearToken();
      for (const listener of unauthorizedListeners) listener();
    }
    return response;
  },
});

export { ok, RotorApiError };

/** A short sentence for any error the API answers (the field details go on their fields). */
export function errorText(error: unknown): string {
  if (error instanceof RotorApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
