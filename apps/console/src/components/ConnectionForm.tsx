import type { CreateRedisConnectionRequest, RedisConnection } from '@rotor/api-client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { api, errorText, ok, RotorApiError } from '../lib/api';
import { Field } from './Field';
import { Alert } from './ui';

interface ConnectionValues {
  name: string;
  description: string;
  host: string;
  port: number;
  username: string;
  password: string;
  tls: { enabled: boolean; caCertificate: string; rejectUnauthorized: boolean; servername: string };
  topology: { type: 'single' | 'replicas' | 'sentinel' | 'cluster'; nodes: string; masterName: string; sentinelUsername: string; sentinelPassword: string };
  aclPersistenceMode: RedisConnection['aclPersistenceMode'];
}

function nodesText(nodes: unknown): string {
  return Array.isArray(nodes) ? nodes.map((n: { host: string; port: number }) => `${n.host}:${n.port}`).join('\n') : '';
}

function valuesOf(c: RedisConnection | undefined): ConnectionValues {
  const t = (c?.topology ?? { type: 'single' }) as Record<string, unknown> & { type: ConnectionValues['topology']['type'] };
  return {
    name: c?.name ?? '',
    description: c?.description ?? '',
    host: c?.host ?? '',
    port: c?.port ?? 6379,
    username: c?.username ?? '',
    password: '',
    tls: {
      enabled: c?.tls.enabled ?? false,
      caCertificate: c?.tls.caCertificate ?? '',
      rejectUnauthorized: c?.tls.rejectUnauthorized ?? true,
      servername: c?.tls.servername ?? '',
    },
    topology: {
      type: t.type,
      nodes: nodesText(t.type === 'replicas' ? t.replicas : t.sentinels),
      masterName: (t.masterName as string) ?? '',
      sentinelUsername: (t.sentinelUsername as string) ?? '',
      sentinelPassword: '',
    },
    aclPersistenceMode: c?.aclPersistenceMode ?? 'auto',
  };
}

/** "host:port" lines → nodes (a bad line is left for the server to name). */
function parseNodes(text: string): Array<{ host: string; port: number }> {
  return text
    .split(/\s*\n\s*/)
    .filter(Boolean)
    .map((line) => {
      const i = line.lastIndexOf(':');
      return i > 0 ? { host: line.slice(0, i), port: Number(line.slice(i + 1)) } : { host: line, port: 6379 };
    });
}

function toBody(v: ConnectionValues) {
  const topology =
    v.topology.type === 'replicas'
      ? { type: 'replicas' as const, replicas: parseNodes(v.topology.nodes) }
      : v.topology.type === 'sentinel'
        ? {
            type: 'sentinel' as const,
            masterName: v.topology.masterName,
            sentinels: parseNodes(v.topology.nodes),
            sentinelUsername: v.topology.sentinelUsername || null,
            ...(v.topology.sentinelPassword ? { sentinelPassword: v.topology.sentinelPassword } : {}),
          }
        : { type: v.topology.type };
  return {
    name: v.name,
    description: v.description || null,
    host: v.host,
    port: v.port,
    username: v.username,
    ...(v.password ? { password: v.password } : {}),
    tls: {
      enabled: v.tls.enabled,
      caCertificate: v.tls.enabled && v.tls.caCertificate ? v.tls.caCertificate : null,
      rejectUnauthorized: v.tls.rejectUnauthorized,
      servername: v.tls.enabled && v.tls.servername ? v.tls.servername : null,
    },
    topology,
    aclPersistenceMode: v.aclPersistenceMode,
  };
}

/** Maps an API field (e.g. `topology.sentinels.0.port`, `tls.servername`) to this form's field. */
function formField(field: string): string {
  if (/^topology\.(replicas|sentinels)/.test(field)) return 'topology.nodes';
  return field || 'root';
}

/**
 * Create or edit a Redis connection: every field the API takes; passwords write-only (blank
 * keeps the stored one when editing). The gateway checks the connection for real before it
 * saves it, and its answer is shown here.
 */
export function ConnectionForm({ projectId, connection, onSaved, onCancel }: {
  projectId: string;
  connection?: RedisConnection;
  onSaved: (c: RedisConnection) => void;
  onCancel?: () => void;
}) {
  const form = useForm<ConnectionValues>({ defaultValues: valuesOf(connection) });
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const { register, watch, handleSubmit, setError } = form;
  const tls = watch('tls.enabled');
  const topology = watch('topology.type');
  const prefix = connection ? `edit-${connection.id}` : 'new';

  const save = handleSubmit(async (values) => {
    setProblem(undefined);
    setBusy(true);
    try {
      const body = toBody(values);
      const saved = connection
        ? (await ok(api.PATCH('/api/v1/app-connections/redis/{connectionId}', { params: { path: { connectionId: connection.id } }, body }))).appConnection
        : (await ok(api.POST('/api/v1/app-connections/redis', { body: { ...body, projectId } as CreateRedisConnectionRequest }))).appConnection;
      await queryClient.invalidateQueries({ queryKey: ['connections', projectId] });
      onSaved(saved);
    } catch (e) {
      if (e instanceof RotorApiError && e.details.length > 0) {
        for (const d of e.details) setError(formField(d.field) as never, { message: d.message });
        setProblem(`The connection was not saved: ${e.message}`);
      } else setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  });

  return (
    <FormProvider {...form}>
      <form
        onSubmit={(e) => {
          // Opened from the wizard (a portal), a submit must not bubble into the wizard's form.
          e.stopPropagation();
          void save(e);
        }}
        noValidate aria-label={connection ? `Edit connection ${connection.name}` : 'New Redis connection'} id={`connection-${prefix}`}>
        {problem && <Alert>{problem}</Alert>}
        <div className="grid2">
          <Field name="name" label="Name">{(p) => <input {...p} {...register('name')} />}</Field>
          <Field name="description" label="Description (optional)">{(p) => <input {...p} {...register('description')} />}</Field>
          <Field name="host" label="Host">{(p) => <input {...p} {...register('host')} placeholder="redis.internal" />}</Field>
          <Field name="port" label="Port">{(p) => <input {...p} type="number" {...register('port', { valueAsNumber: true })} />}</Field>
          <Field name="username" label="Admin username" hint="A Redis user that may run ACL SETUSER, ACL DELUSER and ACL SAVE.">
            {(p) => <input {...p} autoComplete="off" {...register('username')} />}
          </Field>
          <Field name="password" label="Admin password" hint={connection ? 'Write-only: leave blank to keep the stored password.' : 'Write-only: never shown again.'}>
            {(p) => <input {...p} type="password" autoComplete="new-password" {...register('password')} />}
          </Field>
        </div>
        <fieldset>
          <legend>TLS</legend>
          <label className="check"><input type="checkbox" {...register('tls.enabled')} /> Use TLS</label>
          {tls && (
            <>
              <label className="check"><input type="checkbox" {...register('tls.rejectUnauthorized')} /> Reject unauthorized certificates</label>
              <Field name="tls.servername" label="Server name (SNI), when it differs from the host">{(p) => <input {...p} {...register('tls.servername')} />}</Field>
              <Field name="tls.caCertificate" label="CA certificate (PEM)">{(p) => <textarea {...p} rows={4} {...register('tls.caCertificate')} />}</Field>
            </>
          )}
        </fieldset>
        <fieldset>
          <legend>Topology</legend>
          <Field name="topology.type" label="Deployment">
            {(p) => (
              <select {...p} {...register('topology.type')}>
                <option value="single">Single server</option>
                <option value="replicas">Primary with replicas</option>
                <option value="sentinel">Sentinel</option>
                <option value="cluster">Cluster</option>
              </select>
            )}
          </Field>
          {(topology === 'replicas' || topology === 'sentinel') && (
            <Field name="topology.nodes" label={topology === 'replicas' ? 'Replicas (host:port, one a line)' : 'Sentinels (host:port, one a line)'}>
              {(p) => <textarea {...p} rows={3} {...register('topology.nodes')} />}
            </Field>
          )}
          {topology === 'sentinel' && (
            <div className="grid2">
              <Field name="topology.masterName" label="Master name">{(p) => <input {...p} {...register('topology.masterName')} />}</Field>
              <Field name="topology.sentinelUsername" label="Sentinel username (optional)">{(p) => <input {...p} {...register('topology.sentinelUsername')} />}</Field>
              <Field name="topology.sentinelPassword" label="Sentinel password (optional, write-only)">
                {(p) => <input {...p} type="password" autoComplete="new-password" {...register('topology.sentinelPassword')} />}
              </Field>
            </div>
          )}
        </fieldset>
        <Field name="aclPersistenceMode" label="ACL persistence" hint="How Rotor keeps its users across a Redis restart.">
          {(p) => (
            <select {...p} {...register('aclPersistenceMode')}>
              <option value="auto">ACL SAVE where an aclfile is kept (default)</option>
              <option value="config-rewrite">Also CONFIG REWRITE where users live in redis.conf</option>
              <option value="managed">Managed service: never CONFIG or ACL SAVE</option>
            </select>
          )}
        </Field>
        <div className="actions">
          {onCancel && <button type="button" className="secondary" onClick={onCancel}>Cancel</button>}
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Checking the connection…' : connection ? 'Save connection' : 'Create connection'}</button>
        </div>
      </form>
    </FormProvider>
  );
}
