import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { Alert } from '../components/ui';
import { useAuth } from '../lib/auth';

export function SignInPage() {
  const { signIn, signedIn, endedBecause } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/projects';
  if (signedIn && !busy) return <Navigate to={from} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    if (!token.trim()) return setError('Paste a machine-identity token.');
    setBusy(true);
    try {
      await signIn(token.trim());
      navigate(from, { replace: true });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {endedBecause && <Alert kind="info">{endedBecause}</Alert>}
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="token">Machine-identity token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-invalid={!!error}
            aria-describedby="token-hint token-error"
          />
          <p id="token-hint" className="hint">
            The admin token that <code>npm start</code> prints (<code>cat .rotor/admin.token</code>), or an identity's token. It is kept for this tab only.
          </p>
          {error && <p id="token-error" className="error" role="alert">{error}</p>}
        </div>
        <button type="submit" disabled={busy}>{busy ? 'Checking…' : 'Sign in'}</button>
      </form>
    </section>
  );
}
