import type { Identity } from '@rotor/api-client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ok, onUnauthorized } from './api';
import { can, type Allowance, type Permission } from './permissions';
import { clearToken, readToken, storeToken } from './session';

interface AuthState {
  me: Identity['identity'] | undefined;
  signedIn: boolean;
  loading: boolean;
  /** Checks the token with GET /api/v1/identities/me and keeps it for this tab only. */
  signIn(token: string): Promise<void>;
  signOut(reason?: string): void;
  /** Why the last session ended (shown on the sign-in page). */
  endedBecause: string | undefined;
  can(projectId: string, permission: Permission): Allowance;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState(readToken());
  const [endedBecause, setEndedBecause] = useState<string>();
  const meQuery = useQuery({
    queryKey: ['me', token ? 'signed-in' : 'signed-out'],
    enabled: !!token,
    queryFn: async () => (await ok(api.GET('/api/v1/identities/me'))).identity,
    staleTime: 60_000,
  });

  const signOut = useCallback(
    (reason?: string) => {
      clearToken();
      setToken(undefined);
      setEndedBecause(reason);
      queryClient.clear();
    },
    [queryClient],
  );

  useEffect(() => onUnauthorized(() => signOut('The token is no longer valid: sign in again.')), [signOut]);

  const signIn = useCallback(
    async (candidate: string) => {
      const res = await api.GET('/api/v1/identities/me', { headers: { authorization: `Bearer ${candidate}` } });
      if (!res.response.ok) throw new Error(res.response.status === 401 ? 'Token unknown or revoked.' : `The API answered ${res.response.status}.`);
      storeToken(candidate);
      queryClient.setQueryData(['me', 'signed-in'], res.data?.identity);
      setEndedBecause(undefined);
      setToken(candidate);
    },
    [queryClient],
  );

  const value = useMemo<AuthState>(
    () => ({
      me: meQuery.data,
      signedIn: !!token,
      loading: !!token && meQuery.isPending,
      signIn,
      signOut,
      endedBecause,
      can: (projectId, permission) => can(meQuery.data, projectId, permission),
    }),
    [meQuery.data, meQuery.isPending, token, signIn, signOut, endedBecause],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}
