/**
 * @rotor/sdk against the real platform: typed routes and errors, the helpers, and the packed
 * tarball installed into a plain Node project outside the repository.
 */
import { ok, Rotor, RotorApiError, RotorWaitError, toArray } from '@rotor/sdk';
import { ADMIN_PASSWORD, ADMIN_USER, authenticates, Platform, RedisFleet, sampleRotationRequest, type RedisServer, sharedPlatform, createProject } from '@rotor/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
let platform: Platform;
const fleet = new RedisFleet();
let redis: RedisServer;
let rotor: Rotor;
let projectId: string;
let rotationId: string;

beforeAll(async () => {
  [redis, platform] = await Promise.all([fleet.start(), sharedPlatform()]);
  rotor = new Rotor({ baseUrl: platform.url(), token: platform.adminToken });
  projectId = await createProject(platform, 'sdk');
  const { appConnection } = await ok(rotor.api.POST('/api/v1/app-connections/redis', {
    body: { name: 'sdk-redis', projectId, host: redis.host, port: redis.port, username: ADMIN_USER, password: ADMIN_PASSWORD },
  }));
  const { secretRotation } = await ok(rotor.api.POST('/api/v2/secret-rotations/redis-credentials', {
    body: { ...sampleRotationRequest(projectId, appConnection.id), name: 'sdk-rotation', rotationInterval: 30 },
  }));
  rotationId = secretRotation.id;
}, 480_000);

afterAll(async () => {
  await fleet.stopAll();
}, 60_000);

describe('@rotor/sdk', () => {
  it('throws the API error as a RotorApiError naming the field', async () => {
    const refused = await ok(rotor.api.POST('/api/v2/secret-rotations/redis-credentials', {
      body: { ...sampleRotationRequest(projectId, 'nope'), rotateAtUtc: { hours: 25, minutes: 0 } },
    })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RotorApiError);
    expect(refused).toMatchObject({ statusCode: 400 });
    expect((refused as RotorApiError).details.map((d) => d.field)).toContain('rotateAtUtc.hours');

    const missing = await rotor.getRotation('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 404, error: expect.stringMatching(/NOT_FOUND/) });
  });

  it('rotates and waits for the outcome; the pair it reads then authenticates', async () => {
    const before = await rotor.readRotationSecrets(rotationId);
    const outcome = await rotor.rotateAndWait(rotationId, { timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ status: 'completed', message: null, rotation: { id: rotationId, rotationStatus: 'success', lastRotationJobId: outcome.jobId } });
    const after = await rotor.readRotationSecrets(rotationId);
    expect(after.username).not.toBe(before.username);
    expect(after.passwordVersion).toBeGreaterThan(before.passwordVersion);
    expect(await authenticates(redis, after.username, after.password)).toBe(true);
    expect(await rotor.waitUntilHealthy(rotationId, { timeoutMs: 10_000 })).toMatchObject({ id: rotationId, rotationStatus: 'success' });
  });

  it('stops waiting when the signal aborts, and bounds the wait', async () => {
    const controller = new AbortController();
    const waiting = rotor.waitForJob(rotationId, 'no-such-job', { signal: controller.signal, intervalMs: 100 });
    setTimeout(() => controller.abort(), 300);
    await expect(waiting).rejects.toMatchObject({ name: 'RotorWaitError', reason: 'aborted' });
    await expect(rotor.waitForJob(rotationId, 'no-such-job', { timeoutMs: 500, intervalMs: 100 })).rejects.toBeInstanceOf(RotorWaitError);
  });

  it('iterates lists', async () => {
    expect((await toArray(rotor.rotations(projectId))).map((r) => r.id)).toEqual([rotationId]);
    expect((await toArray(rotor.connections(projectId))).map((c) => c.name)).toEqual(['sdk-redis']);
    const keys = (await toArray(rotor.secrets(projectId, 'dev'))).map((s) => s.secretKey).sort();
    expect(keys).toEqual(['REDIS_PASSWORD', 'REDIS_USERNAME']);
  });

  it('packs into a tarball that a plain Node project installs and uses, with types', async () => {
    const tarball = execFileSync('node', [join(ROOT, 'libs', 'sdk', 'build.cjs'), '--pack', '--out', join(ROOT, 'tmp', 'sdk-package-e2e')], { encoding: 'utf8' }).trim();
    const dir = mkdtempSync(join(tmpdir(), 'rotor-sdk-consumer-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sdk-consumer', version: '1.0.0', private: true }));
      execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: dir, stdio: 'pipe' });
      writeFileSync(join(dir, 'main.ts'), [
        "import { Rotor, RotorApiError, type RotationOutcome } from '@rotor/sdk';",
        'async function main(): Promise<void> {',
        '  const rotor = new Rotor({ baseUrl: process.env.ROTOR_URL as string, token: process.env.ROTOR_TOKEN as string });',
        '  const outcome: RotationOutcome = await rotor.rotateAndWait(process.env.ROTATION_ID as string, { timeoutMs: 60_000 });',
        '  const missing = await rotor.getRotation("00000000-0000-4000-8000-000000000000").catch((e: RotorApiError) => e.statusCode);',
        '  console.log(JSON.stringify({ status: outcome.status, activeIndex: outcome.rotation.activeIndex, missing }));',
        '}',
        'main();',
      ].join('\n'));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { strict: true, module: 'commonjs', target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], outDir: 'out' },
        files: ['main.ts', 'globals.d.ts'],
      }));
      // Declaring `process` is all a project without @types/node needs for this script.
      writeFileSync(join(dir, 'globals.d.ts'), 'declare const process: { env: Record<string, string | undefined> };\n');
      // One compile: tsc type-checks as it emits and exits non-zero on any type error, which
      // fails execFileSync here just as a separate --noEmit pass would.
      execFileSync('node', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: dir, stdio: 'pipe' });
      const printed = execFileSync('node', ['out/main.js'], {
        cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'], ROTOR_URL: platform.url(), ROTOR_TOKEN: platform.adminToken, ROTATION_ID: rotationId },
      });
      expect(JSON.parse(printed)).toEqual({ status: 'completed', activeIndex: expect.any(Number), missing: 404 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
