import type { SecretRotation } from '@rotor/api-client';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ProjectHeader } from '../components/ProjectHeader';
import { StatusBadge } from '../components/StatusBadge';
import { Alert, GuardedButton, Loading, SecretValue } from '../components/ui';
import { errorText } from '../lib/api';
import { useAuth } from '../lib/auth';
import { useFolders, useProject, useRotations, useSecrets } from '../lib/queries';

/** A project's secrets per environment and folder; rotation-owned secrets under their rotation. */
export function DashboardPage() {
  const projectId = useParams().projectId as string;
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const auth = useAuth();
  const project = useProject(projectId);
  const env = search.get('env') ?? project.data?.environments[0]?.slug;
  const path = search.get('path') ?? '/';
  const folders = useFolders(projectId, env);
  const rotations = useRotations(projectId);
  const readSecrets = auth.can(projectId, 'read-secrets');
  const secrets = useSecrets(projectId, env, path, readSecrets.allowed);
  const created = search.get('created');

  const here = (rotations.data ?? []).filter((r) => r.environment.slug === env && r.folder.path === path);
  const managed = new Map<string, SecretRotation>();
  for (const r of here) {
    managed.set(r.secretsMapping.username, r);
    managed.set(r.secretsMapping.password, r);
  }
  const others = (secrets.data ?? []).filter((s) => !managed.has(s.secretKey) && !s.rotationId);
  const valueOf = (key: string) => secrets.data?.find((s) => s.secretKey === key)?.secretValue;
  const paths = Array.from(new Set(['/', path, ...(folders.data ?? []).map((f) => f.path)])).sort();

  const go = (next: { env?: string; path?: string }) => {
    const params = new URLSearchParams({ env: next.env ?? env ?? '', path: next.path ?? path });
    setSearch(params);
  };

  return (
    <section>
      <ProjectHeader projectId={projectId} title={project.data ? `${project.data.name}: secrets` : 'Secrets'} />
      {project.error && <Alert>{errorText(project.error)}</Alert>}
      <div className="toolbar">
        <label>
          Environment{' '}
          <select value={env ?? ''} onChange={(e) => go({ env: e.target.value, path: '/' })}>
            {project.data?.environments.map((e) => (
              <option key={e.id} value={e.slug}>{e.name}</option>
            ))}
          </select>
        </label>
        <label>
          Folder{' '}
          <select value={path} onChange={(e) => go({ path: e.target.value })}>
            {paths.map((p) => (
              <option key={p} value={p}>{p}</option>
            ))}
          </select>
        </label>
        <GuardedButton
          allowance={env ? auth.can(projectId, 'create') : { allowed: false, reason: 'Loading the project…' }}
          className="primary"
          onClick={() => navigate(`/projects/${projectId}/rotations/new?${new URLSearchParams({ env: env ?? '', path })}`)}
        >
          Add Secret Rotation
        </GuardedButton>
      </div>
      {created && <Alert kind="success">Secret rotation “{created}” created: its first credential set is in the mapped secrets.</Alert>}
      {rotations.isPending && <Loading what="rotations" />}
      {rotations.error && <Alert>{errorText(rotations.error)}</Alert>}
      {!readSecrets.allowed && <Alert kind="info">Secret values are hidden: {readSecrets.reason}.</Alert>}
      {secrets.error && <Alert>{errorText(secrets.error)}</Alert>}

      <table className="secrets">
        <caption className="sr-only">Secrets in {env} {path}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        {here.map((r) => (
          <tbody key={r.id} className="rotation-group" data-testid={`rotation-${r.name}`}>
            <tr className="rotation-row">
              <th scope="rowgroup" colSpan={2}>
                <span aria-hidden="true">⟳ </span>
                <Link to={`/projects/${projectId}/rotations/${r.id}`}>{r.name}</Link> <span className="tag">Redis Credentials</span>
                {r.description && <span className="muted"> — {r.description}</span>}
              </th>
              <td><StatusBadge rotation={r} /></td>
            </tr>
            {[r.secretsMapping.username, r.secretsMapping.password].map((key) => (
              <tr key={key} className="managed" data-testid={`secret-${key}`}>
                <td className="indent"><code>{key}</code></td>
                <td><SecretValue label={key} value={valueOf(key)} allowance={readSecrets} /></td>
                <td className="muted">read-only: managed by rotation {r.name}</td>
              </tr>
            ))}
          </tbody>
        ))}
        <tbody>
          {others.map((s) => (
            <tr key={s.id} data-testid={`secret-${s.secretKey}`}>
              <td><code>{s.secretKey}</code></td>
              <td><SecretValue label={s.secretKey} value={s.secretValue} allowance={readSecrets} /></td>
              <td className="muted">version {s.version}</td>
            </tr>
          ))}
          {here.length === 0 && others.length === 0 && !secrets.isPending && (
            <tr>
              <td colSpan={3} className="muted">No secrets here yet.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
