import type { SecretRotation } from '@rotor/api-client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ProjectHeader } from '../components/ProjectHeader';
import { StatusBadge } from '../components/StatusBadge';
import { Alert, GuardedButton, Loading, SecretValue } from '../components/ui';
import { api, errorText, ok } from '../lib/api';
import { useAuth } from '../lib/auth';
import { useRotation } from '../lib/queries';
import { formatInstant, formatUtcTime } from '../lib/time';

const OUTCOMES = ['RotationCompleted', 'RotationAttemptFailed', 'RotationFailed'];

type HistoryEntry = { type: string; occurredAt: string; jobId?: string | null; [k: string]: unknown };

function useHistory(rotationId: string, poll: boolean) {
  return useQuery({
    queryKey: ['history', rotationId],
    refetchInterval: poll ? 750 : false,
    queryFn: async () =>
      (await ok(api.GET('/api/v2/secret-rotations/redis-credentials/{rotationId}/history', { params: { path: { rotationId } } }))).history as HistoryEntry[],
  });
}

export function RotationDetailPage() {
  const { projectId, rotationId } = useParams() as { projectId: string; rotationId: string };
  const auth = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [job, setJob] = useState<string>();
  const [message, setMessage] = useState<{ kind: 'success' | 'error' | 'info'; text: string }>();
  const rotation = useRotation(rotationId, job ? 750 : false);
  const history = useHistory(rotationId, !!job);
  const [deleting, setDeleting] = useState(false);

  // Rotate now: poll until the job's outcome is in the history, then show it (no reload).
  useEffect(() => {
    if (!job || !history.data) return;
    const outcome = history.data.find((h) => h.jobId === job && OUTCOMES.includes(h.type));
    if (!outcome) return;
    setJob(undefined);
    void queryClient.invalidateQueries({ queryKey: ['rotation', rotationId] });
    void queryClient.invalidateQueries({ queryKey: ['generated', rotationId] });
    void queryClient.invalidateQueries({ queryKey: ['rotations', projectId] });
    void queryClient.invalidateQueries({ queryKey: ['secrets', projectId] });
    const reason = (outcome.details as { message?: string } | undefined)?.message ?? (outcome.message as string | undefined);
    setMessage(
      outcome.type === 'RotationCompleted'
        ? { kind: 'success', text: `Rotation ${job} completed.` }
        : { kind: 'error', text: `Rotation ${job} failed${reason ? `: ${reason}` : ''}.` },
    );
  }, [job, history.data, queryClient, rotationId, projectId]);

  if (rotation.isPending) return <Loading what="the rotation" />;
  if (rotation.error) return <Alert>{errorText(rotation.error)}</Alert>;
  const r = rotation.data;

  async function rotateNow() {
    // The API answers once the job settled (or 202 while it still runs): say so meanwhile.
    setMessage({ kind: 'info', text: 'Rotating: setting a new password on every node…' });
    try {
      const res = await ok(api.POST('/api/v2/secret-rotations/redis-credentials/{rotationId}/rotate-secrets', { params: { path: { rotationId } } }));
      setJob(res.jobId);
      setMessage({ kind: 'info', text: `Rotation job ${res.jobId} is running…` });
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    }
  }

  async function setAuto(enabled: boolean) {
    setMessage(undefined);
    try {
      const res = await ok(
        api.PATCH('/api/v2/secret-rotations/redis-credentials/{rotationId}', { params: { path: { rotationId } }, body: { isAutoRotationEnabled: enabled } }),
      );
      queryClient.setQueryData(['rotation', rotationId], res.secretRotation);
      void queryClient.invalidateQueries({ queryKey: ['history', rotationId] });
      void queryClient.invalidateQueries({ queryKey: ['rotations', projectId] });
      setMessage({ kind: 'success', text: enabled ? 'Auto-rotation resumed.' : 'Auto-rotation paused.' });
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    }
  }

  return (
    <section>
      <ProjectHeader projectId={projectId} title={`Rotation ${r.name}`} />
      <div className="detail-head">
        <StatusBadge rotation={r} rotating={!!job} />
        <div className="toolbar">
          <GuardedButton allowance={job ? { allowed: false, reason: 'A rotation is running' } : auth.can(projectId, 'rotate')} className="primary" onClick={() => void rotateNow()}>
            Rotate now
          </GuardedButton>
          <GuardedButton allowance={auth.can(projectId, 'edit')} onClick={() => navigate(`/projects/${projectId}/rotations/${rotationId}/edit?step=configuration`)}>
            Edit
          </GuardedButton>
          <GuardedButton allowance={auth.can(projectId, 'edit')} onClick={() => void setAuto(!r.isAutoRotationEnabled)}>
            {r.isAutoRotationEnabled ? 'Pause auto-rotation' : 'Resume auto-rotation'}
          </GuardedButton>
          <GuardedButton allowance={auth.can(projectId, 'delete')} className="danger" onClick={() => setDeleting(true)}>
            Delete
          </GuardedButton>
        </div>
      </div>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {deleting && <DeleteDialog rotation={r} onClose={() => setDeleting(false)} />}

      <dl className="facts">
        <div><dt>Active credential set</dt><dd data-testid="active-index">{r.activeIndex}</dd></div>
        <div><dt>Last rotation</dt><dd data-testid="last-rotated" data-iso={r.lastRotatedAt ?? ''}>{formatInstant(r.lastRotatedAt)}</dd></div>
        <div><dt>Next rotation</dt><dd>{r.isAutoRotationEnabled ? formatInstant(r.nextRotationAt) : 'none (auto-rotation off)'}</dd></div>
        <div><dt>Schedule</dt><dd>every {r.rotationInterval} day{r.rotationInterval === 1 ? '' : 's'} at {formatUtcTime(r.rotateAtUtc)}</dd></div>
        <div><dt>Connection</dt><dd><Link to={`/projects/${projectId}/connections/${r.connection.id}`}>{r.connection.name}</Link></dd></div>
        <div><dt>Secrets</dt><dd>{r.environment.name} <code>{r.folder.path}</code>: <code>{r.secretsMapping.username}</code>, <code>{r.secretsMapping.password}</code> (<Link to={`/projects/${projectId}?${new URLSearchParams({ env: r.environment.slug, path: r.folder.path })}`}>dashboard</Link>)</dd></div>
        <div><dt>Permission scope</dt><dd><code>{r.parameters.permissionScope}</code></dd></div>
        {r.lastRotationMessage && <div><dt>Last failure</dt><dd className="failure-message">{r.lastRotationMessage}</dd></div>}
      </dl>

      <GeneratedCredentials rotation={r} />

      <h2>Timeline</h2>
      {history.error && <Alert>{errorText(history.error)}</Alert>}
      <ol className="timeline" data-testid="timeline">
        {[...(history.data ?? [])].reverse().map((h, i) => (
          <li key={`${h.occurredAt}-${i}`} className={OUTCOMES.slice(1).includes(h.type) ? 'failed' : ''}>
            <strong>{h.type}</strong> <span className="muted">{formatInstant(h.occurredAt)}</span>
            {h.jobId && <span className="muted"> · job {h.jobId}</span>}
            {typeof (h.details as { message?: unknown } | undefined)?.message === 'string' && <div className="failure-message">{(h.details as { message: string }).message}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function GeneratedCredentials({ rotation }: { rotation: SecretRotation }) {
  const auth = useAuth();
  const allowance = auth.can(rotation.projectId, 'read-generated-credentials');
  const creds = useQuery({
    queryKey: ['generated', rotation.id],
    enabled: allowance.allowed,
    queryFn: async () =>
      ok(api.GET('/api/v2/secret-rotations/redis-credentials/{rotationId}/generated-credentials', { params: { path: { rotationId: rotation.id } } })),
  });
  return (
    <>
      <h2>Generated credentials</h2>
      {!allowance.allowed ? (
        <p className="muted">{allowance.reason}.</p>
      ) : creds.error ? (
        <Alert>{errorText(creds.error)}</Alert>
      ) : (
        <table data-testid="generated">
          <thead><tr><th scope="col">Set</th><th scope="col">Username</th><th scope="col">Password</th></tr></thead>
          <tbody>
            {creds.data?.generatedCredentials.map((c, i) => (
              <tr key={i}>
                <td>{i === creds.data.activeIndex ? `${i} (current)` : `${i} (retired)`}</td>
                <td><code>{c.username || '—'}</code></td>
                <td>{c.password ? <SecretValue label={`password of set ${i}`} value={c.password} allowance={allowance} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function DeleteDialog({ rotation, onClose }: { rotation: SecretRotation; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const [revoke, setRevoke] = useState(false);
  const [deleteSecrets, setDeleteSecrets] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  async function remove() {
    setBusy(true);
    try {
      await ok(
        api.DELETE('/api/v2/secret-rotations/redis-credentials/{rotationId}', {
          params: { path: { rotationId: rotation.id }, query: { deleteSecrets: String(deleteSecrets) as 'true' | 'false', revokeGeneratedCredentials: String(revoke) as 'true' | 'false' } },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['rotations', rotation.projectId] });
      await queryClient.invalidateQueries({ queryKey: ['secrets', rotation.projectId] });
      navigate(`/projects/${rotation.projectId}?${new URLSearchParams({ env: rotation.environment.slug, path: rotation.folder.path })}`);
    } catch (e) {
      setProblem(errorText(e));
      setBusy(false);
    }
  }
  return (
    <div className="modal" role="dialog" aria-modal="true" aria-labelledby="delete-title">
      <div className="modal-body">
        <h2 id="delete-title">Delete rotation {rotation.name}?</h2>
        {problem && <Alert>{problem}</Alert>}
        <label className="check">
          <input type="checkbox" role="switch" checked={revoke} onChange={(e) => setRevoke(e.target.checked)} /> Revoke generated credentials (delete both Redis users)
        </label>
        <label className="check">
          <input type="checkbox" role="switch" checked={deleteSecrets} onChange={(e) => setDeleteSecrets(e.target.checked)} /> Delete the mapped secrets
        </label>
        <div className="field">
          <label htmlFor="confirm-name">Type <strong>{rotation.name}</strong> to confirm</label>
          <input id="confirm-name" autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={onClose}>Cancel</button>
          <button type="button" className="danger" disabled={typed !== rotation.name || busy} onClick={() => void remove()}>
            {busy ? 'Deleting…' : 'Delete rotation'}
          </button>
        </div>
      </div>
    </div>
  );
}
