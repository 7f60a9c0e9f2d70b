import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ConnectionForm } from '../components/ConnectionForm';
import { ProjectHeader } from '../components/ProjectHeader';
import { Alert, GuardedButton, Loading } from '../components/ui';
import { api, errorText, ok } from '../lib/api';
import { useAuth } from '../lib/auth';
import { useConnections } from '../lib/queries';

export function ConnectionsPage() {
  const projectId = useParams().projectId as string;
  const connections = useConnections(projectId);
  const auth = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<string>();

  async function remove(id: string, name: string) {
    if (!window.confirm(`Delete the connection ${name}?`)) return;
    setProblem(undefined);
    try {
      await ok(api.DELETE('/api/v1/app-connections/redis/{connectionId}', { params: { path: { connectionId: id } } }));
      setDone(`Connection ${name} deleted.`);
      await queryClient.invalidateQueries({ queryKey: ['connections', projectId] });
    } catch (e) {
      setProblem(errorText(e));
    }
  }

  return (
    <section>
      <ProjectHeader projectId={projectId} title="Redis connections" />
      <div className="toolbar">
        <GuardedButton allowance={auth.can(projectId, 'create')} className="primary" onClick={() => navigate(`/projects/${projectId}/connections/new`)}>
          New connection
        </GuardedButton>
      </div>
      {problem && <Alert>{problem}</Alert>}
      {done && <Alert kind="success">{done}</Alert>}
      {connections.isPending && <Loading what="connections" />}
      {connections.error && <Alert>{errorText(connections.error)}</Alert>}
      <table>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">User</th><th scope="col">TLS</th><th scope="col">Topology</th><th scope="col">Actions</th></tr>
        </thead>
        <tbody>
          {connections.data?.map((c) => (
            <tr key={c.id}>
              <td><Link to={`/projects/${projectId}/connections/${c.id}`}>{c.name}</Link></td>
              <td><code>{c.host}:{c.port}</code></td>
              <td>{c.username}</td>
              <td>{c.tls.enabled ? 'on' : 'off'}</td>
              <td>{c.topology.type}</td>
              <td>
                <GuardedButton allowance={auth.can(projectId, 'delete')} className="small danger" onClick={() => void remove(c.id, c.name)}>
                  Delete
                </GuardedButton>
              </td>
            </tr>
          ))}
          {connections.data?.length === 0 && <tr><td colSpan={6} className="muted">No connection yet.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

export function ConnectionEditPage() {
  const { projectId, connectionId } = useParams() as { projectId: string; connectionId?: string };
  const navigate = useNavigate();
  const auth = useAuth();
  const connection = useQuery({
    queryKey: ['connection', connectionId],
    enabled: !!connectionId,
    queryFn: async () => (await ok(api.GET('/api/v1/app-connections/redis/{connectionId}', { params: { path: { connectionId: connectionId as string } } }))).appConnection,
  });
  const allowance = auth.can(projectId, connectionId ? 'edit' : 'create');
  return (
    <section>
      <ProjectHeader projectId={projectId} title={connectionId ? `Connection ${connection.data?.name ?? ''}` : 'New Redis connection'} />
      {!allowance.allowed && <Alert kind="info">{allowance.reason}.</Alert>}
      {connection.error && <Alert>{errorText(connection.error)}</Alert>}
      {connectionId && connection.isPending ? (
        <Loading what="the connection" />
      ) : (
        <ConnectionForm
          key={connection.data?.updatedAt ?? 'new'}
          projectId={projectId}
          connection={connection.data}
          onSaved={() => navigate(`/projects/${projectId}/connections`)}
          onCancel={() => navigate(`/projects/${projectId}/connections`)}
        />
      )}
    </section>
  );
}
