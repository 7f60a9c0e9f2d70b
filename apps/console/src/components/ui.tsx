import { useId, useState, type ButtonHTMLAttributes, type ReactNode } from 'react';
import type { Allowance } from '../lib/permissions';

/** A button an identity may lack the permission for: disabled, and it says why next to it. */
export function GuardedButton({ allowance, children, ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { allowance: Allowance }) {
  const id = useId();
  if (allowance.allowed) return <button type="button" {...rest}>{children}</button>;
  return (
    <span className="guarded">
      <button type="button" {...rest} disabled aria-describedby={id}>
        {children}
      </button>
      <span id={id} className="why">{allowance.reason}</span>
    </span>
  );
}

/** A secret value: masked until "Show", with a copy button (both only when `allowance` allows). */
export function SecretValue({ label, value, allowance }: { label: string; value: string | undefined; allowance: Allowance }) {
  const [shown, setShown] = useState(false);
  const [copied, setCopied] = useState(false);
  if (!allowance.allowed) return <span className="muted">hidden ({allowance.reason})</span>;
  return (
    <span className="secret">
      <code data-testid={`value-${label}`}>{shown && value !== undefined ? value : '••••••••••••'}</code>
      <button type="button" className="small" aria-pressed={shown} onClick={() => setShown((s) => !s)} aria-label={`${shown ? 'Hide' : 'Show'} ${label}`}>
        {shown ? 'Hide' : 'Show'}
      </button>
      <button
        type="button"
        className="small"
        aria-label={`Copy ${label}`}
        onClick={() => {
          if (value === undefined) return;
          void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false));
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}

export function Alert({ kind = 'error', children }: { kind?: 'error' | 'info' | 'warning' | 'success'; children: ReactNode }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p role="status" className="muted">Loading {what}…</p>;
}
