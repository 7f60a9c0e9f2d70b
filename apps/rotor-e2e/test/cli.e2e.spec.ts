/**
 * The `rotor` CLI against the real platform, spawned as a process the way operators and
 * scripts run it. Every command is exercised; no credential may reach its output unless
 * `--reveal` asked for it.
 */
import { ADMIN_PASSWORD, ADMIN_USER, aclUser, authenticates, Platform, RedisFleet, sampleRotationRequest, waitFor, type RedisServer, sharedPlatform } from '@rotor/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
// The shared platform; of the files on it, only this one works in the default project.
let platform: Platform;
const fleet = new RedisFleet();
let redis: RedisServer;
let dir: string;
let projectId: string;
let connectionId: string;
let rotationId: string;
/** Everything the CLI printed without --reveal: no credential may appear in it. */
const unrevealed: string[] = [];
/** Generated passwords the test saw through --reveal. */
const generated: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rotor(args: string[], options: { env?: Record<string, string>; input?: string; auth?: boolean; reveal?: boolean } = {}): Run {
  const auth = options.auth === false ? {} : { ROTOR_URL: platform.url(), ROTOR_TOKEN: platform.adminToken };
  const res = spawnSync('node', ['-r', './tools/register.cjs', 'apps/cli/src/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: options.input ?? '',
    env: { PATH: process.env['PATH'], HOME: dir, ROTOR_CONFIG: join(dir, 'config.json'), ...auth, ...options.env },
    timeout: 120_000,
  });
  if (!options.reveal) unrevealed.push(res.stdout, res.stderr);
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function json<T = Record<string, unknown>>(args: string[], options?: Parameters<typeof rotor>[1]): T {
  const res = rotor([...args, '--json'], options);
  if (res.code !== 0) throw new Error(`rotor ${args.join(' ')} exited ${res.code}: ${res.stderr}`);
  return JSON.parse(res.stdout) as T;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rotor-cli-'));
  [redis, platform] = await Promise.all([fleet.start(), sharedPlatform()]);
}, 480_000);

afterAll(async () => {
  await fleet.stopAll();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('rotor CLI', () => {
  it('has help for every command', () => {
    /** Commands listed in a help page, each with its description (the first line of it). */
    const listed = (help: string) =>
      help.split('Commands:\n')[1]?.split('\n\n')[0].split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => /^ {2}(\S+)[^\n]*?\s{2,}(\S.*)$/.exec(l)) ?? [];
    const top = rotor(['--help'], { auth: false });
    expect(top.code).toBe(0);
    const groups = listed(top.stdout).filter((m) => m && m[1] !== 'help');
    expect(groups.map((m) => m?.[1])).toEqual(['login', 'whoami', 'projects', 'connections', 'rotations', 'secrets', 'run']);
    for (const group of ['projects', 'connections', 'rotations', 'secrets']) {
      const help = rotor([group, '--help'], { auth: false });
      expect(help.code).toBe(0);
      for (const m of listed(help.stdout)) expect({ group, command: m?.[1], description: m?.[2] }).toEqual({ group, command: expect.any(String), description: expect.stringMatching(/\w{3,}/) });
    }
    const rotate = rotor(['rotations', 'rotate', '--help'], { auth: false });
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toContain('--wait');
  });

  it('exits 2 on bad usage, with the reason and no stack trace', () => {
    const missing = rotor(['rotations', 'get']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required argument 'rotationId'/);
    expect(rotor(['no-such-command']).code).toBe(2);
    expect(rotor(['projects', 'list'], { auth: false }).code).toBe(2);

    writeFileSync(join(dir, 'broken.json'), '{\n  "name": "x",\n  "projectId": "p",,\n}\n');
    const broken = rotor(['rotations', 'create', '--file', join(dir, 'broken.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON: line 3, column 20/);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });

  it('logs in (config file 0600) and tells who it is; a wrong token exits 3', () => {
    const login = rotor(['login', '--url', platform.url(), '--token-stdin'], { auth: false, input: platform.adminToken + '\n' });
    expect(login.code).toBe(0);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    const who = rotor(['whoami'], { auth: false });
    expect(who.code).toBe(0);
    expect(who.stdout).toMatch(/admin:\s+true/);
    expect(json<{ identity: { isAdmin: boolean } }>(['whoami'], { auth: false }).identity.isAdmin).toBe(true);
    const wrong = rotor(['whoami', '--token', 'not-a-token'], { auth: false });
    expect(wrong.code).toBe(3);
  });

  it('lists and reads projects', () => {
    const { projects } = json<{ projects: Array<{ id: string; slug: string }> }>(['projects', 'list']);
    projectId = projects[0].id;
    expect(rotor(['projects', 'list']).stdout).toMatch(/^ID\s+SLUG\s+NAME\s+ENVIRONMENTS/);
    expect(json<{ project: { id: string } }>(['projects', 'get', projectId]).project.id).toBe(projectId);
    const created = json<{ project: { slug: string } }>(['projects', 'create', '--name', 'CLI project', '--slug', 'cli-project']);
    expect(created.project.slug).toBe('cli-project');
  });

  it('creates, lists, checks, updates and deletes connections', () => {
    const wrong = rotor(['connections', 'create', '--project', projectId, '--name', 'wrong', '--host', redis.host, '--port', String(redis.port), '--username', ADMIN_USER, '--password-stdin'], { input: 'not-the-password\n' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/password/i);

    const created = json<{ appConnection: { id: string } }>(['connections', 'create', '--project', projectId, '--name', 'cli-redis', '--host', redis.host, '--port', String(redis.port), '--username', ADMIN_USER, '--password-stdin'], { input: ADMIN_PASSWORD + '\n' });
    connectionId = created.appConnection.id;
    const spare = json<{ appConnection: { id: string } }>(['connections', 'create', '--project', projectId, '--name', 'spare', '--host', redis.host, '--port', String(redis.port), '--username', ADMIN_USER, '--password-stdin'], { input: ADMIN_PASSWORD });

    expect(rotor(['connections', 'list', '--project', projectId]).stdout).toMatch(/cli-redis/);
    expect(json<{ appConnections: unknown[] }>(['connections', 'list', '--project', projectId]).appConnections).toHaveLength(2);
    expect(json<{ appConnection: { name: string } }>(['connections', 'get', connectionId]).appConnection.name).toBe('cli-redis');
    const check = rotor(['connections', 'check', connectionId]);
    expect([check.code, check.stdout]).toEqual([0, expect.stringMatching(/works/)]);
    expect(json<{ appConnection: { description: string } }>(['connections', 'update', connectionId, '--description', 'cache of the shop']).appConnection.description).toBe('cache of the shop');
    expect(rotor(['connections', 'delete', spare.appConnection.id]).code).toBe(0);
    expect(rotor(['connections', 'get', spare.appConnection.id]).code).toBe(3);
  });

  it('creates rotations from flags and from a JSON file, lists and reads them', () => {
    const fromFlags = json<{ secretRotation: { id: string; rotationStatus: string } }>(['rotations', 'create', '--project', projectId, '--connection', connectionId, '--name', 'from-flags', '--env', 'dev', '--interval', '30', '--at', '03:15', '--scope', '~* +@all']);
    expect(fromFlags.secretRotation.rotationStatus).toBe('success');
    rotationId = fromFlags.secretRotation.id;

    writeFileSync(join(dir, 'rotation.json'), JSON.stringify({ ...sampleRotationRequest(projectId, connectionId), name: 'from-file', environment: 'prod', secretsMapping: { username: 'U', password: 'P' } }, null, 2));
    const fromFile = json<{ secretRotation: { name: string; rotateAtUtc: unknown } }>(['rotations', 'create', '--file', join(dir, 'rotation.json')]);
    expect(fromFile.secretRotation).toMatchObject({ name: 'from-file', rotateAtUtc: { hours: 11, minutes: 29 } });

    expect(json<{ secretRotations: unknown[] }>(['rotations', 'list', '--project', projectId]).secretRotations).toHaveLength(2);
    const table = rotor(['rotations', 'list', '--project', projectId]).stdout;
    expect(table).toMatch(/from-flags\s+dev\s+\/\s+success/);
    expect(rotor(['rotations', 'get', rotationId]).stdout).toMatch(/interval:\s+30 days at 03:15 UTC/);
    expect(rotor(['rotations', 'get', '00000000-0000-4000-8000-000000000000']).code).toBe(3);
  });

  it('rotates and waits with a progress indicator, pauses and resumes, shows the history', () => {
    const before = json<{ secretRotation: { activeIndex: number } }>(['rotations', 'get', rotationId]).secretRotation.activeIndex;
    const rotated = rotor(['rotations', 'rotate', rotationId, '--wait']);
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toMatch(/✓ rotating/);
    expect(rotated.stdout).toMatch(new RegExp(`Rotated: active credential set ${1 - before}`));

    expect(json<{ secretRotation: { isAutoRotationEnabled: boolean } }>(['rotations', 'pause', rotationId]).secretRotation.isAutoRotationEnabled).toBe(false);
    expect(rotor(['rotations', 'get', rotationId]).stdout).toMatch(/auto:\s+paused/);
    expect(json<{ secretRotation: { isAutoRotationEnabled: boolean } }>(['rotations', 'resume', rotationId]).secretRotation.isAutoRotationEnabled).toBe(true);

    const history = json<{ history: Array<{ type: string }> }>(['rotations', 'history', rotationId]).history.map((h) => h.type);
    expect(history.filter((t) => t === 'RotationCompleted')).toHaveLength(2);
    expect(rotor(['rotations', 'history', rotationId]).stdout).toMatch(/RotationCompleted/);
  });

  it('shows credentials and secrets only with --reveal, exports them, and runs a command with them', async () => {
    const masked = rotor(['rotations', 'credentials', rotationId]);
    expect(masked.stdout).toMatch(/\*{8}/);
    const revealed = json<{ generatedCredentials: Array<{ username: string; password: string }>; activeIndex: number }>(['rotations', 'credentials', rotationId, '--reveal'], { reveal: true });
    const active = revealed.generatedCredentials[revealed.activeIndex];
    generated.push(...revealed.generatedCredentials.map((c) => c.password));
    expect(await authenticates(redis, active.username, active.password)).toBe(true);

    expect(rotor(['secrets', 'list', '--project', projectId, '--env', 'dev']).stdout).toMatch(/REDIS_PASSWORD\s+\*{8}\s+2/);
    expect(rotor(['secrets', 'get', 'REDIS_PASSWORD', '--project', projectId, '--env', 'dev', '--reveal'], { reveal: true }).stdout).toBe(`${active.password}\n`);
    expect(rotor(['secrets', 'get', 'REDIS_PASSWORD', '--project', projectId, '--env', 'dev']).stdout).toMatch(/value:\s+\*{8}/);
    expect(rotor(['secrets', 'get', 'NOPE', '--project', projectId, '--env', 'dev']).code).toBe(3);

    expect(rotor(['secrets', 'export', '--project', projectId, '--env', 'dev']).code).toBe(2);
    const dotenv = rotor(['secrets', 'export', '--project', projectId, '--env', 'dev', '--reveal'], { reveal: true }).stdout;
    expect(dotenv).toContain(`REDIS_USERNAME="${active.username}"\n`);
    const asJson = JSON.parse(rotor(['secrets', 'export', '--project', projectId, '--env', 'dev', '--format', 'json', '--reveal'], { reveal: true }).stdout);
    expect(asJson).toEqual({ REDIS_USERNAME: active.username, REDIS_PASSWORD: active.password });

    const run = rotor(['run', '--project', projectId, '--env', 'dev', '--path', '/', '--', 'node', '-e', 'process.stdout.write(process.env.REDIS_USERNAME); process.exitCode = 7']);
    expect([run.code, run.stdout]).toEqual([7, active.username]);
  });

  it('deletes a rotation, revoking its Redis users and deleting its secrets', async () => {
    const { generatedCredentials } = json<{ generatedCredentials: Array<{ username: string }> }>(['rotations', 'credentials', rotationId]);
    const deleted = rotor(['rotations', 'delete', rotationId, '--revoke-credentials', '--delete-secrets']);
    expect(deleted.code).toBe(0);
    expect(rotor(['rotations', 'get', rotationId]).code).toBe(3);
    await waitFor(async () => (await Promise.all(generatedCredentials.map((c) => aclUser(redis, c.username)))).every((u) => u === null), { timeoutMs: 30_000, message: 'the Redis users to be revoked' });
    await waitFor(async () => json<{ secrets: unknown[] }>(['secrets', 'list', '--project', projectId, '--env', 'dev']).secrets.length === 0, { timeoutMs: 30_000, message: 'the secrets to be deleted' });
  });

  it('packs into a `rotor` bin that runs outside the repository', () => {
    const tarball = spawnSync('node', [join(ROOT, 'apps', 'cli', 'build.cjs'), '--pack', '--out', join(ROOT, 'tmp', 'cli-package-e2e')], { encoding: 'utf8' }).stdout.trim();
    const project = mkdtempSync(join(tmpdir(), 'rotor-cli-bin-'));
    try {
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cli-consumer', version: '1.0.0', private: true }));
      const installed = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project, encoding: 'utf8' });
      expect({ status: installed.status, stderr: installed.status === 0 ? '' : installed.stderr }).toEqual({ status: 0, stderr: '' });
      const who = spawnSync(join(project, 'node_modules', '.bin', 'rotor'), ['whoami', '--json'], {
        cwd: project, encoding: 'utf8', env: { PATH: process.env['PATH'], HOME: project, ROTOR_URL: platform.url(), ROTOR_TOKEN: platform.adminToken },
      });
      expect(who.status).toBe(0);
      expect(JSON.parse(who.stdout).identity.isAdmin).toBe(true);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('never printed a credential or the token without --reveal', () => {
    const printed = unrevealed.join('\n');
    expect(printed).not.toContain(ADMIN_PASSWORD);
    expect(printed).not.toContain(platform.adminToken);
    expect(generated).toHaveLength(2);
    for (const password of generated) expect(printed).not.toContain(password);
  });
});
