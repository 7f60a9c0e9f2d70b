import type { SecretRotation } from '@rotor/api-client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { FormProvider, useForm, type UseFormReturn } from 'react-hook-form';
import { useBlocker, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ConnectionForm } from '../components/ConnectionForm';
import { Field } from '../components/Field';
import { ProjectHeader } from '../components/ProjectHeader';
import { Alert, Loading } from '../components/ui';
import { api, errorText, ok, RotorApiError } from '../lib/api';
import { useAuth } from '../lib/auth';
import { useConnections, useProject, useRotation, useRotations, useSecrets } from '../lib/queries';
import { formatInstant, formatUtcTime, localTimeToUtc, localZone, previewRotations } from '../lib/time';
import {
  defaultValues,
  firstInvalidStep,
  formFieldOf,
  STEP_TITLES,
  STEPS,
  stepOfField,
  toCreateRequest,
  validateStep,
  valuesOf,
  type Step,
  type WizardValues,
} from '../lib/wizard';

/** Add Secret Rotation (provider picker, then five steps) and Edit, each step at its own URL. */
export function WizardPage() {
  const { projectId, rotationId } = useParams() as { projectId: string; rotationId?: string };
  const [search, setSearch] = useSearchParams();
  const existing = useRotation(rotationId);
  const type = rotationId ? 'redis-credentials' : search.get('type');

  if (!type) return <ProviderPicker projectId={projectId} onPick={(t) => setSearch((s) => { s.set('type', t); s.set('step', 'configuration'); return s; })} />;
  if (rotationId && existing.isPending) return <Loading what="the rotation" />;
  if (rotationId && existing.error) return <Alert>{errorText(existing.error)}</Alert>;
  return <WizardForm projectId={projectId} rotation={existing.data} />;
}

function ProviderPicker({ projectId, onPick }: { projectId: string; onPick: (type: string) => void }) {
  const options = useQuery({
    queryKey: ['rotation-options'],
    queryFn: async () => (await ok(api.GET('/api/v2/secret-rotations/options'))).secretRotationOptions,
  });
  return (
    <section>
      <ProjectHeader projectId={projectId} title="Add Secret Rotation" />
      <p>Select a provider to create a secret rotation for.</p>
      {options.isPending && <Loading what="options" />}
      {options.error && <Alert>{errorText(options.error)}</Alert>}
      <ul className="providers">
        {options.data?.map((o) => (
          <li key={o.type}>
            <button type="button" className="provider" onClick={() => onPick(o.type)}>
              <span className="provider-name">{o.name}</span>
              <span className="muted">{o.rotationType} · connection: {o.connection}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

const draftKey = (projectId: string, rotationId?: string) => `rotor.wizard.${projectId}.${rotationId ?? 'new'}`;

function WizardForm({ projectId, rotation }: { projectId: string; rotation?: SecretRotation }) {
  const editing = !!rotation;
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const auth = useAuth();
  const project = useProject(projectId);
  // A link without ?env= lands in the project's first environment (as the dashboard does).
  const environment = rotation?.environment.slug || search.get('env') || project.data?.environments[0]?.slug || '';
  const secretPath = rotation?.folder.path ?? search.get('path') ?? '/';
  const baseline = useMemo(() => (rotation ? valuesOf(rotation) : defaultValues()), [rotation]);
  // A reload keeps the place: the draft (no secret in it) is kept for this tab.
  const initial = useMemo<WizardValues>(() => {
    const draft = sessionStorage.getItem(draftKey(projectId, rotation?.id));
    return draft ? { ...baseline, ...(JSON.parse(draft) as WizardValues) } : baseline;
  }, [baseline, projectId, rotation?.id]);
  const form = useForm<WizardValues>({ defaultValues: initial, mode: 'onSubmit', reValidateMode: 'onSubmit' });
  const values = form.watch();
  const dirty = JSON.stringify(values) !== JSON.stringify(baseline);
  const [submitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<string>();
  const leaving = useRef(false);

  const requested = (search.get('step') as Step | null) ?? 'configuration';
  const step: Step = STEPS.includes(requested) ? requested : 'configuration';
  const blockedAt = editing ? undefined : firstInvalidStep(form.getValues(), step);

  useEffect(() => {
    if (!leaving.current) sessionStorage.setItem(draftKey(projectId, rotation?.id), JSON.stringify(values));
  });

  // A later step is reachable only when every earlier one is valid.
  useEffect(() => {
    if (blockedAt) setSearch((s) => { s.set('step', blockedAt); return s; }, { replace: true });
  }, [blockedAt, setSearch]);

  // Leaving a dirty wizard asks first (in-app navigation and closing the tab).
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && !leaving.current && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // An error goes as soon as its field changes; "Next" checks the step again.
  useEffect(() => {
    const subscription = form.watch((_, { name, type }) => {
      if (name && type === 'change') form.clearErrors(name);
    });
    return () => subscription.unsubscribe();
  }, [form]);

  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [step]);

  function goTo(target: Step) {
    setSearch((s) => { s.set('step', target); return s; });
  }

  function applyErrors(errors: Record<string, string>): boolean {
    form.clearErrors();
    for (const [field, message] of Object.entries(errors)) form.setError(field as never, { message });
    return Object.keys(errors).length === 0;
  }

  function next() {
    if (!applyErrors(validateStep(step, form.getValues()))) return;
    goTo(STEPS[STEPS.indexOf(step) + 1]);
  }

  function stepReachable(target: Step): boolean {
    return editing || STEPS.indexOf(target) <= STEPS.indexOf(step) || !firstInvalidStep(form.getValues(), target);
  }

  async function submit() {
    const all = validateStep('review', form.getValues());
    if (Object.keys(all).length > 0) {
      applyErrors(all);
      goTo(stepOfField(Object.keys(all)[0]));
      return;
    }
    setProblem(undefined);
    setSubmitting(true);
    try {
      const v = form.getValues();
      let saved: SecretRotation;
      if (rotation) {
        const body = toCreateRequest(v, { projectId, environment, secretPath });
        saved = (
          await ok(
            api.PATCH('/api/v2/secret-rotations/redis-credentials/{rotationId}', {
              params: { path: { rotationId: rotation.id } },
              body: {
                name: body.name,
                description: body.description ?? null,
                isAutoRotationEnabled: body.isAutoRotationEnabled,
                rotationInterval: body.rotationInterval,
                rotateAtUtc: body.rotateAtUtc,
                parameters: body.parameters,
                secretsMapping: body.secretsMapping,
              },
            }),
          )
        ).secretRotation;
      } else {
        saved = (await ok(api.POST('/api/v2/secret-rotations/redis-credentials', { body: toCreateRequest(v, { projectId, environment, secretPath }) })))
          .secretRotation;
      }
      leaving.current = true;
      sessionStorage.removeItem(draftKey(projectId, rotation?.id));
      await queryClient.invalidateQueries({ queryKey: ['rotations', projectId] });
      await queryClient.invalidateQueries({ queryKey: ['secrets', projectId] });
      queryClient.setQueryData(['rotation', saved.id], saved);
      if (rotation) navigate(`/projects/${projectId}/rotations/${saved.id}`);
      else navigate(`/projects/${projectId}?${new URLSearchParams({ env: environment, path: secretPath, created: saved.name })}`);
    } catch (e) {
      if (e instanceof RotorApiError && e.details.length > 0) {
        const errors: Record<string, string> = {};
        for (const d of e.details) errors[formFieldOf(d.field)] ??= d.message;
        applyErrors(errors);
        setProblem(`Not ${editing ? 'saved' : 'created'}: ${e.message}. The fields concerned say why.`);
        const first = e.details.map((d) => d.field).find((f) => formFieldOf(f) !== 'root');
        if (first) goTo(stepOfField(first));
      } else setProblem(errorText(e));
    } finally {
      setSubmitting(false);
    }
  }

  const allowance = auth.can(projectId, editing ? 'edit' : 'create');
  return (
    <section>
      <ProjectHeader projectId={projectId} title={editing ? `Edit ${rotation.name}` : 'Add Secret Rotation: Redis Credentials'} />
      <p className="muted">
        {editing ? 'Edit the Redis Credentials rotation configuration.' : 'Configure how Rotor rotates Redis Credentials.'} Secrets go to{' '}
        <strong>{environment}</strong> <code>{secretPath}</code>.
      </p>
      {!allowance.allowed && <Alert kind="info">{allowance.reason}.</Alert>}
      <nav aria-label="Wizard steps">
        <ol className="steps">
          {STEPS.map((s, i) => (
            <li key={s}>
              <button
                type="button"
                className={s === step ? 'step current' : 'step'}
                aria-current={s === step ? 'step' : undefined}
                disabled={!stepReachable(s)}
                onClick={() => goTo(s)}
              >
                {i + 1}. {STEP_TITLES[s]}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      {problem && <Alert>{problem}</Alert>}
      <FormProvider {...form}>
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (step === 'review') void submit();
            else next();
          }}
        >
          <h2 tabIndex={-1} ref={heading}>{STEPS.indexOf(step) + 1}. {STEP_TITLES[step]}</h2>
          {step === 'configuration' && <ConfigurationStep form={form} projectId={projectId} locked={editing} />}
          {step === 'parameters' && <ParametersStep form={form} />}
          {step === 'mappings' && <MappingsStep form={form} projectId={projectId} environment={environment} secretPath={secretPath} rotationId={rotation?.id} />}
          {step === 'details' && <DetailsStep form={form} />}
          {step === 'review' && <ReviewStep values={values} environment={environment} secretPath={secretPath} />}
          <div className="actions">
            <button
              type="button"
              className="secondary"
              onClick={() => (step === 'configuration' ? navigate(-1) : goTo(STEPS[STEPS.indexOf(step) - 1]))}
            >
              Back
            </button>
            {step !== 'review' ? (
              <button type="submit" className="primary">Next</button>
            ) : (
              <button type="submit" className="primary" disabled={submitting || !allowance.allowed}>
                {submitting ? (editing ? 'Saving…' : 'Issuing the first credential set…') : editing ? 'Update Secret Rotation' : 'Create Secret Rotation'}
              </button>
            )}
          </div>
          {submitting && !editing && (
            <p role="status" className="progress">
              Creating the Redis users and checking them on every node, then writing the mapped secrets…
            </p>
          )}
        </form>
      </FormProvider>
      {blocker.state === 'blocked' && (
        <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="leave-title">
          <div className="modal-body">
            <h2 id="leave-title">Leave the wizard?</h2>
            <p>What you entered will be lost.</p>
            <div className="actions">
              <button type="button" className="primary" autoFocus onClick={() => blocker.reset()}>Stay</button>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  sessionStorage.removeItem(draftKey(projectId, rotation?.id));
                  blocker.proceed();
                }}
              >
                Leave
              </button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

type StepProps = { form: UseFormReturn<WizardValues> };

function ConfigurationStep({ form, projectId, locked }: StepProps & { projectId: string; locked: boolean }) {
  const connections = useConnections(projectId);
  const auth = useAuth();
  const [creating, setCreating] = useState(false);
  const { register, watch, setValue } = form;
  const interval = watch('rotationInterval');
  const local = watch('rotateAtLocal');
  const auto = watch('isAutoRotationEnabled');
  const connectionId = watch('connectionId');
  const utc = /^\d{2}:\d{2}$/.test(local ?? '') ? localTimeToUtc(local) : undefined;
  const preview = useMemo(() => {
    if (!utc || !Number.isInteger(interval) || interval < 1 || interval > 365) return [];
    return previewRotations(new Date(), interval, utc);
  }, [utc?.hours, utc?.minutes, interval]);
  return (
    <>
      <Field name="connectionId" label="Redis connection" hint={locked ? 'The connection of an existing rotation cannot change.' : undefined}>
        {(p) => (
          <select {...p} value={connectionId} onChange={(e) => { setValue('connectionId', e.target.value, { shouldDirty: true }); form.clearErrors('connectionId'); }} disabled={locked}>
            <option value="">Choose a connection…</option>
            {connections.data?.map((c) => (
              <option key={c.id} value={c.id}>{c.name} ({c.host}:{c.port})</option>
            ))}
          </select>
        )}
      </Field>
      {!locked && !creating && (
        <button type="button" className="small secondary" disabled={!auth.can(projectId, 'create').allowed} onClick={() => setCreating(true)}>
          Create connection
        </button>
      )}
      {creating &&
        // Over the wizard (outside its form element), which stays mounted: its progress is kept.
        createPortal(
          <div className="modal" role="dialog" aria-modal="true" aria-labelledby="new-connection-title">
            <div className="modal-body wide">
              <h2 id="new-connection-title">New Redis connection</h2>
              <ConnectionForm
                projectId={projectId}
                onCancel={() => setCreating(false)}
                onSaved={(c) => {
                  setCreating(false);
                  setValue('connectionId', c.id, { shouldDirty: true });
                  form.clearErrors('connectionId');
                }}
              />
            </div>
          </div>,
          document.body,
        )}
      <Field name="rotationInterval" label="Rotation interval (days)" hint="A whole number from 1 to 365.">
        {(p) => <input {...p} type="number" inputMode="numeric" {...register('rotationInterval', { valueAsNumber: true })} />}
      </Field>
      <Field
        name="rotateAtLocal"
        label={`Rotate at (your local time, ${localZone()})`}
        hint={utc ? <>Stored as <strong data-testid="rotate-at-utc">{formatUtcTime(utc)}</strong>.</> : 'Enter a time of day.'}
      >
        {(p) => <input {...p} type="time" {...register('rotateAtLocal')} />}
      </Field>
      <div className="field">
        <label className="check">
          <input type="checkbox" {...register('isAutoRotationEnabled')} /> Auto-rotation enabled
        </label>
        <p className="hint">{auto ? 'Rotates by itself once the interval has elapsed.' : 'Only manual rotations (Rotate now) will happen.'}</p>
      </div>
      {preview.length > 0 && (
        <div className="preview" aria-live="polite">
          <h3>Next rotations{auto ? '' : ' (if auto-rotation were on)'}</h3>
          <ol data-testid="preview">
            {preview.map((d) => <li key={d.toISOString()}>{formatInstant(d)}</li>)}
          </ol>
        </div>
      )}
    </>
  );
}

function ParametersStep({ form }: StepProps) {
  const { register } = form;
  const count = (k: 'digits' | 'lowercase' | 'uppercase' | 'symbols', label: string) => (
    <Field name={`parameters.passwordRequirements.required.${k}`} label={label}>
      {(p) => <input {...p} type="number" inputMode="numeric" {...register(`parameters.passwordRequirements.required.${k}`, { valueAsNumber: true })} />}
    </Field>
  );
  return (
    <>
      <Field name="parameters.permissionScope" label="Permission scope" hint={<>Redis ACL rules for the generated users, e.g. <code>~app:* +@read</code>.</>}>
        {(p) => <input {...p} {...register('parameters.permissionScope')} />}
      </Field>
      <fieldset>
        <legend>Password requirements</legend>
        <Field name="parameters.passwordRequirements.length" label="Length" hint="12 to 256 characters.">
          {(p) => <input {...p} type="number" inputMode="numeric" {...register('parameters.passwordRequirements.length', { valueAsNumber: true })} />}
        </Field>
        <div className="grid4">
          {count('digits', 'Digits (at least)')}
          {count('lowercase', 'Lowercase (at least)')}
          {count('uppercase', 'Uppercase (at least)')}
          {count('symbols', 'Symbols (at least)')}
        </div>
        <div className="field-error-slot">
          <Field name="parameters.passwordRequirements.required" label="Required characters, in all">{() => <span className="muted">The counts above add up to at most the length.</span>}</Field>
        </div>
        <Field name="parameters.passwordRequirements.allowedSymbols" label="Allowed symbols">
          {(p) => <input {...p} {...register('parameters.passwordRequirements.allowedSymbols')} />}
        </Field>
      </fieldset>
    </>
  );
}

function MappingsStep({ form, projectId, environment, secretPath, rotationId }: StepProps & { projectId: string; environment: string; secretPath: string; rotationId?: string }) {
  const auth = useAuth();
  const { register, watch } = form;
  const secrets = useSecrets(projectId, environment, secretPath, auth.can(projectId, 'read-secrets').allowed);
  const rotations = useRotations(projectId);
  const mapping = watch('secretsMapping');
  const takenBy = (name: string): string | undefined => {
    const r = rotations.data?.find(
      (x) => x.id !== rotationId && x.environment.slug === environment && x.folder.path === secretPath && (x.secretsMapping.username === name || x.secretsMapping.password === name),
    );
    if (r) return `already managed by rotation ${r.name}: choose another name`;
    const s = secrets.data?.find((x) => x.secretKey === name && x.rotationId !== rotationId);
    if (s) return `a secret named ${name} already exists at ${environment} ${secretPath}: the rotation would take it over`;
    return undefined;
  };
  const field = (k: 'username' | 'password', label: string) => {
    const warning = takenBy(mapping[k]);
    return (
      <Field name={`secretsMapping.${k}`} label={label} hint={warning ? <span className="warning" role="status">Warning: {warning}</span> : `The secret that receives the active ${k}.`}>
        {(p) => <input {...p} {...register(`secretsMapping.${k}`)} />}
      </Field>
    );
  };
  return (
    <>
      {field('username', 'Username secret')}
      {field('password', 'Password secret')}
    </>
  );
}

function DetailsStep({ form }: StepProps) {
  const { register } = form;
  return (
    <>
      <Field name="name" label="Name" hint="A slug: lowercase letters, digits and single hyphens, at most 32 characters.">
        {(p) => <input {...p} {...register('name')} placeholder="my-redis-rotation" />}
      </Field>
      <Field name="description" label="Description (optional)">{(p) => <textarea {...p} rows={2} {...register('description')} />}</Field>
    </>
  );
}

function ReviewStep({ values, environment, secretPath }: { values: WizardValues; environment: string; secretPath: string }) {
  const { projectId } = useParams() as { projectId: string };
  const connections = useConnections(projectId);
  const connection = connections.data?.find((c) => c.id === values.connectionId);
  const utc = /^\d{2}:\d{2}$/.test(values.rotateAtLocal) ? localTimeToUtc(values.rotateAtLocal) : undefined;
  const req = values.parameters.passwordRequirements;
  const rows: Array<[string, React.ReactNode]> = [
    ['Environment and folder', <>{environment} <code>{secretPath}</code></>],
    ['Redis connection', connection ? `${connection.name} (${connection.host}:${connection.port})` : values.connectionId],
    ['Rotation interval', `${values.rotationInterval} day${values.rotationInterval === 1 ? '' : 's'}`],
    ['Rotate at', utc ? `${values.rotateAtLocal} ${localZone()} = ${formatUtcTime(utc)}` : '—'],
    ['Auto-rotation', values.isAutoRotationEnabled ? 'Enabled' : 'Disabled'],
    ['Permission scope', <code key="s">{values.parameters.permissionScope}</code>],
    ['Password', `${req.length} characters; at least ${req.required.digits} digits, ${req.required.lowercase} lowercase, ${req.required.uppercase} uppercase, ${req.required.symbols} symbols from ${req.allowedSymbols || '(none)'}`],
    ['Username secret', <code key="u">{values.secretsMapping.username}</code>],
    ['Password secret', <code key="p">{values.secretsMapping.password}</code>],
    ['Name', values.name],
    ['Description', values.description || '—'],
  ];
  return (
    <dl className="review">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
