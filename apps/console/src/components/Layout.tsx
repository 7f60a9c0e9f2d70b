import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from '../lib/auth';
import { Loading } from './ui';

export function Layout() {
  const { me, signedIn, signOut } = useAuth();
  return (
    <>
      <header className="topbar">
        <Link to="/projects" className="brand">Rotor console</Link>
        {signedIn && (
          <span className="who">
            {me && <span>Signed in as <strong>{me.name}</strong>{me.isAdmin ? ' (admin)' : ''}</span>}
            <button type="button" className="small secondary" onClick={() => signOut()}>Sign out</button>
          </span>
        )}
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}

/** Pages behind sign-in: a signed-out visitor goes to /sign-in and comes back after. */
export function RequireSignIn() {
  const { signedIn, loading } = useAuth();
  const location = useLocation();
  if (!signedIn) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  if (loading) return <Loading what="your identity" />;
  return <Outlet />;
}
