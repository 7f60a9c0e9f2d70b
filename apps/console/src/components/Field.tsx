import type { ReactNode } from 'react';
import { get, useFormContext } from 'react-hook-form';

export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

/** A labelled form control whose error (client rule or server `details[].field`) sits under it. */
export function Field({ name, label, hint, children }: { name: string; label: string; hint?: ReactNode; children: (props: FieldControlProps) => ReactNode }) {
  const { formState } = useFormContext();
  const error = get(formState.errors, name) as { message?: string } | undefined;
  const id = `f-${name.replace(/\./g, '-')}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described })}
      {hint && <div id={`${id}-hint`} className="hint">{hint}</div>}
      {error?.message && (
        <p id={`${id}-error`} className="error" data-field={name}>
          {error.message}
        </p>
      )}
    </div>
  );
}
