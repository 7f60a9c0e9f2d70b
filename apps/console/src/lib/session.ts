// The machine-identity token lives in this tab's sessionStorage only: never in a URL, a
// cookie, localStorage or a log. Closing the tab signs out.
const KEY = 'rotor.token';

export function readToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}
