import type { SecretRotation } from '@rotor/api-client';
import { useQuery } from '@tanstack/react-query';
import { api, ok } from './api';

export function useProject(projectId: string) {
  return useQuery({
    queryKey: ['project', projectId],
    queryFn: async () => (await ok(api.GET('/api/v1/projects/{projectId}', { params: { path: { projectId } } }))).project,
  });
}

export function useFolders(projectId: string, environment: string | undefined) {
  return useQuery({
    queryKey: ['folders', projectId, environment],
    enabled: !!environment,
    queryFn: async () =>
      (await ok(api.GET('/api/v1/projects/{projectId}/folders', { params: { path: { projectId }, query: { environment } } }))).folders,
  });
}

export function useRotations(projectId: string) {
  return useQuery({
    queryKey: ['rotations', projectId],
    queryFn: async () =>
      (await ok(api.GET('/api/v2/secret-rotations/redis-credentials', { params: { query: { projectId } } }))).secretRotations as SecretRotation[],
  });
}

export function useRotation(rotationId: string | undefined, refetchInterval?: number | false) {
  return useQuery({
    queryKey: ['rotation', rotationId],
    enabled: !!rotationId,
    refetchInterval,
    queryFn: async () =>
      (await ok(api.GET('/api/v2/secret-rotations/redis-credentials/{rotationId}', { params: { path: { rotationId: rotationId as string } } })))
        .secretRotation,
  });
}

export function useSecrets(projectId: string, environment: string | undefined, secretPath: string, enabled: boolean) {
  return useQuery({
    queryKey: ['secrets', projectId, environment, secretPath],
    enabled: enabled && !!environment,
    queryFn: async () =>
      (await ok(api.GET('/api/v3/secrets/raw', { params: { query: { projectId, environment: environment as string, secretPath } } }))).secrets,
  });
}

export function useConnections(projectId: string) {
  return useQuery({
    queryKey: ['connections', projectId],
    queryFn: async () => (await ok(api.GET('/api/v1/app-connections/redis', { params: { query: { projectId } } }))).appConnections,
  });
}
