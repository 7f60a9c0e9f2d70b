import { ok, toArray, type CreateSecretRotationRequest, type SecretRotation } from '@rotor/sdk';
import { Command } from 'commander';
import { contextOf, integer } from '../context';
import { usage } from '../exit';
import { MASK } from '../output';
import { withProgress } from '../progress';
import { readJsonFile } from '../read-json-file';

const ROTATION = '/api/v2/secret-rotations/redis-credentials/{rotationId}' as const;
const COLUMNS = ['id', 'name', 'environment', 'path', 'status', 'active', 'auto', 'lastRotatedAt', 'nextRotationAt'];
const row = (r: SecretRotation) => ({
  ...r,
  environment: r.environment.slug,
  path: r.folder.path,
  status: r.rotationStatus,
  active: r.activeIndex,
  auto: r.isAutoRotationEnabled ? 'on' : 'paused',
});

interface CreateFlags {
  file?: string;
  project?: string;
  connection?: string;
  name?: string;
  env?: string;
  path?: string;
  interval?: number;
  at?: string;
  scope?: string;
  usernameSecret?: string;
  passwordSecret?: string;
  description?: string;
  paused?: boolean;
}

/** The public request from flags (or from a JSON file shaped like it, which flags then override). */
function createBody(o: CreateFlags): CreateSecretRotationRequest {
  const base = (o.file ? readJsonFile(o.file) : {}) as Partial<CreateSecretRotationRequest>;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw usage(`${o.file} must hold one JSON object shaped like the create request`);
  let rotateAtUtc = base.rotateAtUtc;
  if (o.at) {
    const m = /^(\d{1,2}):(\d{2})$/.exec(o.at);
    if (!m) throw usage(`--at must be HH:MM (UTC), got "${o.at}"`);
    rotateAtUtc = { hours: Number(m[1]), minutes: Number(m[2]) };
  }
  const body = {
    ...base,
    ...(o.project ? { projectId: o.project } : {}),
    ...(o.connection ? { connectionId: o.connection } : {}),
    ...(o.name ? { name: o.name } : {}),
    ...(o.description ? { description: o.description } : {}),
    environment: o.env ?? base.environment,
    secretPath: o.path ?? base.secretPath ?? '/',
    isAutoRotationEnabled: o.paused ? false : (base.isAutoRotationEnabled ?? true),
    rotationInterval: o.interval ?? base.rotationInterval,
    rotateAtUtc: rotateAtUtc ?? { hours: 0, minutes: 0 },
    parameters: o.scope ? { ...base.parameters, permissionScope: o.scope } : base.parameters,
    secretsMapping: {
      username: o.usernameSecret ?? base.secretsMapping?.username ?? 'REDIS_USERNAME',
      password: o.passwordSecret ?? base.secretsMapping?.password ?? 'REDIS_PASSWORD',
    },
  };
  const missing = (['projectId', 'connectionId', 'name', 'environment', 'rotationInterval'] as const).filter((k) => body[k] === undefined);
  if (missing.length) throw usage(`rotations create: missing ${missing.join(', ')} (flags --project, --connection, --name, --env, --interval, or --file)`);
  return body as CreateSecretRotationRequest;
}

export function rotationCommands(program: Command): void {
  const rotations = program.command('rotations').description('Redis credential rotations');

  rotations
    .command('create')
    .description('create a rotation and issue its first credential set')
    .option('-f, --file <path>', 'JSON file shaped like the public create request (flags override its fields)')
    .option('--project <projectId>')
    .option('--connection <connectionId>')
    .option('--name <name>')
    .option('--env <slug>', 'environment of the mapped secrets')
    .option('--path <path>', 'folder of the mapped secrets', undefined)
    .option('--interval <days>', 'days between rotations (1-365)', integer('--interval'))
    .option('--at <HH:MM>', 'time of day (UTC) a due rotation runs')
    .option('--scope <rules>', 'ACL rules of the rotated users, e.g. "~* +@all"')
    .option('--username-secret <key>', 'secret that holds the username (default REDIS_USERNAME)')
    .option('--password-secret <key>', 'secret that holds the password (default REDIS_PASSWORD)')
    .option('--description <text>')
    .option('--paused', 'create with automatic rotation off')
    .addHelpText('after', '\nExamples:\n  rotor rotations create --project P --connection C --name cache --env dev --interval 30 --at 03:00\n  rotor rotations create --file rotation.json\n')
    .action(async (o: CreateFlags, command: Command) => {
      const { rotor, out } = contextOf(command);
      const body = createBody(o);
      const { secretRotation } = await withProgress(`creating rotation ${body.name}`, ok(rotor.api.POST('/api/v2/secret-rotations/redis-credentials', { body })));
      out.done(`Created rotation ${secretRotation.name} (${secretRotation.id}), status ${secretRotation.rotationStatus}`, { secretRotation });
    });

  rotations
    .command('list')
    .description('rotations of a project')
    .requiredOption('--project <projectId>')
    .action(async (o: { project: string }, command: Command) => {
      const { rotor, out } = contextOf(command);
      const all = await toArray(rotor.rotations(o.project));
      out.table(all.map(row), COLUMNS, { secretRotations: all });
    });

  rotations
    .command('get')
    .description('one rotation and its status')
    .argument('<rotationId>')
    .action(async (rotationId: string, _: unknown, command: Command) => {
      const { rotor, out } = contextOf(command);
      const r = await rotor.getRotation(rotationId);
      const { id, name, status, active, auto, environment, path, lastRotatedAt, nextRotationAt } = row(r);
      out.record(
        { id, name, connection: r.connection.name, environment, path, status, message: r.lastRotationMessage, active, auto, interval: `${r.rotationInterval} days at ${String(r.rotateAtUtc.hours).padStart(2, '0')}:${String(r.rotateAtUtc.minutes).padStart(2, '0')} UTC`, lastRotatedAt, nextRotationAt, secrets: `${r.secretsMapping.username}, ${r.secretsMapping.password}` },
        { secretRotation: r },
      );
    });

  rotations
    .command('rotate')
    .description('rotate now')
    .argument('<rotationId>')
    .option('--wait', 'wait for the outcome (exit 1 when the rotation failed)')
    .option('--timeout <seconds>', 'how long --wait waits', integer('--timeout'), 120)
    .action(async (rotationId: string, o: { wait?: boolean; timeout: number }, command: Command) => {
      const { rotor, out } = contextOf(command);
      if (!o.wait) {
        const { secretRotation, jobId } = await ok(rotor.api.POST(`${ROTATION}/rotate-secrets`, { params: { path: { rotationId } } }));
        return out.done(`Rotation requested (job ${jobId})`, { secretRotation, jobId });
      }
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      try {
        const outcome = await withProgress(`rotating ${rotationId}`, rotor.rotateAndWait(rotationId, { timeoutMs: o.timeout * 1000, signal: controller.signal }));
        out.done(
          outcome.status === 'completed' ? `Rotated: active credential set ${outcome.rotation.activeIndex} (job ${outcome.jobId})` : `Rotation failed (job ${outcome.jobId}): ${outcome.message ?? 'no reason given'}`,
          outcome,
        );
        if (outcome.status === 'failed') process.exitCode = 1;
      } finally {
        process.off('SIGINT', stop);
      }
    });

  for (const [name, enabled] of [['pause', false], ['resume', true]] as const) {
    rotations
      .command(name)
      .description(enabled ? 'turn automatic rotation back on' : 'turn automatic rotation off (manual rotation still works)')
      .argument('<rotationId>')
      .action(async (rotationId: string, _: unknown, command: Command) => {
        const { rotor, out } = contextOf(command);
        const { secretRotation } = await ok(rotor.api.PATCH(ROTATION, { params: { path: { rotationId } }, body: { isAutoRotationEnabled: enabled } }));
        out.done(`Automatic rotation of ${secretRotation.name} is ${enabled ? 'on' : 'paused'}`, { secretRotation });
      });
  }

  rotations
    .command('history')
    .description("the rotation's audit trail (never a secret)")
    .argument('<rotationId>')
    .action(async (rotationId: string, _: unknown, command: Command) => {
      const { rotor, out } = contextOf(command);
      const history = await rotor.history(rotationId);
      out.table(history.map((h) => ({ ...h, details: (h as { details?: unknown }).details ?? null })), ['occurredAt', 'type', 'jobId', 'details'], { history });
    });

  rotations
    .command('credentials')
    .description('both generated credential sets (passwords hidden unless --reveal)')
    .argument('<rotationId>')
    .option('--reveal', 'print the passwords')
    .action(async (rotationId: string, o: { reveal?: boolean }, command: Command) => {
      const { rotor, out } = contextOf(command);
      const body = await ok(rotor.api.GET(`${ROTATION}/generated-credentials`, { params: { path: { rotationId } } }));
      const sets = body.generatedCredentials.map((c, index) => ({ index, active: index === body.activeIndex ? 'yes' : '', username: c.username, password: o.reveal ? c.password : MASK }));
      out.table(sets, ['index', 'active', 'username', 'password'], o.reveal ? body : { ...body, generatedCredentials: sets.map(({ username, password }) => ({ username, password })) });
    });

  rotations
    .command('delete')
    .description('delete a rotation')
    .argument('<rotationId>')
    .option('--revoke-credentials', 'also remove both Redis users it created')
    .option('--delete-secrets', 'also delete its mapped secrets')
    .action(async (rotationId: string, o: { revokeCredentials?: boolean; deleteSecrets?: boolean }, command: Command) => {
      const { rotor, out } = contextOf(command);
      const flag = (on?: boolean) => (on ? 'true' : 'false') as 'true' | 'false';
      const query = { revokeGeneratedCredentials: flag(o.revokeCredentials), deleteSecrets: flag(o.deleteSecrets) };
      const { secretRotation } = await ok(rotor.api.DELETE(ROTATION, { params: { path: { rotationId }, query } }));
      out.done(`Deleted rotation ${secretRotation.name}${o.revokeCredentials ? ', its Redis users revoked' : ''}${o.deleteSecrets ? ', its secrets deleted' : ''}`, { secretRotation });
    });

}
