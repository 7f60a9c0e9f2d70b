import { createRotorClient, ok, type RotorClient } from '@rotor/api-client';
import { aclUser, ADMIN_PASSWORD, ADMIN_USER, authenticates, createProject, Platform, RedisFleet, sharedPlatform, type RedisServer } from '@rotor/testing';
import type { Browser, Page } from 'playwright-core';
import { buildConsole, launchChromium, newPage, screenshot, seriousA11yIssues } from './support/browser';

// The web console in a real Chromium against the real platform (five services, Kafka,
// Postgres, a redis-server of its own): every step a user takes, checked in the browser and
// then behind it (the API, Redis itself).

// The shared platform (a generous readiness wait there: the browser tests share a busy CI
// machine with the other suites); the console works in a project of its own on it.
let platform: Platform;
const fleet = new RedisFleet();
let redis: RedisServer;
let browser: Browser;
let api: RotorClient;
let projectId: string;
const PROJECT = 'console-wizard';
let base: string;
let rotationId: string;
const cspViolations: string[] = [];

async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
}

async function signIn(page: Page, token: string): Promise<void> {
  await open(page, '/sign-in');
  await page.getByLabel('Machine-identity token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
}

/** A new tab (context) that records CSP violations, in the given time zone. */
async function tab(timezoneId = 'UTC'): Promise<Page> {
  const page = await newPage(browser, { timezoneId });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return page;
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousA11yIssues(page)).toEqual([]);
}

async function mappedSecrets(): Promise<Record<string, string>> {
  const { secrets } = await ok(api.GET('/api/v3/secrets/raw', { params: { query: { projectId, environment: 'dev', secretPath: '/' } } }));
  return Object.fromEntries(secrets.map((s) => [s.secretKey, s.secretValue]));
}

beforeAll(async () => {
  buildConsole();
  [redis, platform] = await Promise.all([fleet.start(), sharedPlatform()]);
  base = `${platform.url()}/console`;
  api = createRotorClient({ baseUrl: platform.url(), token: platform.adminToken });
  projectId = await createProject(platform, PROJECT);
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await fleet.stopAll();
}, 60_000);

describe('the console, served by the gateway', () => {
  it('is served at /console outside the API auth, with a CSP without inline scripts, and deep links load the app', async () => {
    for (const path of ['/console/', '/console/projects/x/rotations/y']) {
      const res = await fetch(`${platform.url()}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      const html = await res.text();
      expect(html).toContain('<div id="root">');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    expect((await fetch(`${platform.url()}/api/v1/projects`)).status).toBe(401);
  });

  it('signs in with the admin token and refuses a wrong one', async () => {
    const page = await tab();
    await open(page, '/projects');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Machine-identity token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Token unknown or revoked.').waitFor();
    expect(page.url()).toBe(`${base}/sign-in`);
    await expectAccessible(page, '01-sign-in');

    await page.getByLabel('Machine-identity token').fill(platform.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    expect(page.url()).toBe(`${base}/projects`);
    // The token is kept for the tab only: never in the URL, nor in localStorage.
    expect(page.url()).not.toContain(platform.adminToken);
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(platform.adminToken);
    await expectAccessible(page, '02-projects');
    await page.context().close();
  });

  it('runs the whole wizard in Asia/Kolkata: the mapped secrets appear on the dashboard and authenticate to Redis', async () => {
    const page = await tab('Asia/Kolkata');
    await signIn(page, platform.adminToken);
    await page.getByRole('link', { name: PROJECT, exact: true }).click();
    await page.getByRole('button', { name: 'Add Secret Rotation' }).click();
    await expectAccessible(page, '03-provider-picker');
    await page.getByRole('button', { name: /Redis Credentials/ }).click();

    // 1. Configuration: "Next" checks only this step, and says what is wrong where.
    await page.getByRole('heading', { name: '1. Configuration' }).waitFor();
    await page.getByLabel('Rotation interval (days)').fill('');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('[data-field="rotationInterval"]').getByText('must be a whole number from 1 to 365').waitFor();
    await page.locator('[data-field="connectionId"]').waitFor();
    // A later step cannot be reached while this one is invalid.
    expect(await page.getByRole('button', { name: '5. Review' }).isDisabled()).toBe(true);

    // Create the connection inline: the wizard keeps what was entered.
    await page.getByLabel('Rotation interval (days)').fill('2');
    await page.getByRole('button', { name: 'Create connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'New Redis connection' });
    await dialog.getByLabel('Name', { exact: true }).fill('local-redis');
    await dialog.getByLabel('Host').fill('127.0.0.1');
    await dialog.getByLabel('Port').fill(String(redis.port));
    await dialog.getByLabel('Admin username').fill(ADMIN_USER);
    await dialog.getByLabel('Admin password').fill('wrong-password');
    await dialog.getByRole('button', { name: 'Create connection' }).click();
    await dialog.getByText(/not saved/i).waitFor(); // the gateway checked it for real
    await screenshot(page, '04-connection-check');
    await dialog.getByLabel('Admin password').fill(ADMIN_PASSWORD);
    await dialog.getByRole('button', { name: 'Create connection' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByLabel('Redis connection').inputValue()).not.toBe('');
    expect(await page.getByLabel('Rotation interval (days)').inputValue()).toBe('2');

    await page.getByLabel(/Rotate at/).fill('11:29');
    await page.getByTestId('rotate-at-utc').getByText('05:59 UTC').waitFor();
    expect(await page.getByTestId('preview').locator('li').count()).toBe(3);
    await expectAccessible(page, '05-wizard-configuration');
    await page.getByRole('button', { name: 'Next' }).click();

    // 2. Parameters, 3. Mappings: the defaults.
    await page.getByRole('heading', { name: '2. Parameters' }).waitFor();
    expect(await page.getByLabel('Permission scope').inputValue()).toBe('~* +@all');
    await page.getByLabel('Length').fill('8');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('[data-field="parameters.passwordRequirements.length"]').waitFor();
    await page.getByLabel('Length').fill('64');
    await expectAccessible(page, '06-wizard-parameters');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: '3. Mappings' }).waitFor();
    expect(await page.getByLabel('Username secret').inputValue()).toBe('REDIS_USERNAME');
    expect(await page.getByLabel('Password secret').inputValue()).toBe('REDIS_PASSWORD');
    await expectAccessible(page, '07-wizard-mappings');
    await page.getByRole('button', { name: 'Next' }).click();

    // 4. Details, 5. Review; a reload keeps the place.
    await page.getByRole('heading', { name: '4. Details' }).waitFor();
    await page.getByLabel('Name').fill('My Rotation');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('[data-field="name"]').waitFor();
    await page.getByLabel('Name').fill('my-redis-rotation');
    await page.getByLabel('Description (optional)').fill('my database credentials rotation');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: '5. Review' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: '5. Review' }).waitFor();
    await page.getByText(/11:29 Asia\/(Kolkata|Calcutta) = 05:59 UTC/).waitFor();
    await expectAccessible(page, '08-wizard-review');

    await page.getByRole('button', { name: 'Create Secret Rotation' }).click();
    await page.getByText(/Secret rotation “my-redis-rotation” created/).waitFor({ timeout: 60_000 });
    const group = page.getByTestId('rotation-my-redis-rotation');
    await group.getByText('read-only: managed by rotation my-redis-rotation').first().waitFor();
    await group.getByRole('button', { name: 'Show REDIS_USERNAME' }).click();
    await group.getByRole('button', { name: 'Show REDIS_PASSWORD' }).click();
    const username = await page.getByTestId('value-REDIS_USERNAME').innerText();
    const password = await page.getByTestId('value-REDIS_PASSWORD').innerText();
    expect(username).toMatch(/^rotor_[0-9a-f]{32}_0$/);
    expect(password).toHaveLength(64);
    expect(await authenticates(redis, username, password)).toBe(true);
    await expectAccessible(page, '09-dashboard');

    const { secretRotations } = await ok(api.GET('/api/v2/secret-rotations/redis-credentials', { params: { query: { projectId } } }));
    const created = secretRotations.find((r) => r.name === 'my-redis-rotation');
    expect(created).toMatchObject({ rotateAtUtc: { hours: 5, minutes: 59 }, rotationInterval: 2, isAutoRotationEnabled: true });
    expect(created?.parameters.passwordRequirements.length).toBe(64);
    rotationId = created?.id as string;
    await page.context().close();
  });

  it('works by keyboard alone, and puts a server-side error on its field', async () => {
    const page = await tab();
    await signIn(page, platform.adminToken);
    await open(page, `/projects/${projectId}/rotations/new?env=dev&path=%2F&type=redis-credentials&step=configuration`);
    await page.getByRole('heading', { name: '1. Configuration' }).waitFor();
    const connections = page.getByLabel('Redis connection');
    await connections.locator('option', { hasText: 'local-redis' }).waitFor({ state: 'attached' }); // the list has loaded
    await connections.focus();
    await page.keyboard.press('ArrowDown'); // the first connection
    await page.getByLabel('Rotation interval (days)').focus();
    await page.keyboard.press('Enter'); // submits the step: Next
    await page.getByRole('heading', { name: '2. Parameters' }).waitFor();
    await page.keyboard.press('Tab'); // from the step's heading to its first field
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-parameters-permissionScope');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '3. Mappings' }).waitFor();
    await page.getByLabel('Username secret').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('OTHER_USERNAME');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('OTHER_PASSWORD');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '4. Details' }).waitFor();
    await page.getByLabel('Name').focus();
    await page.keyboard.type('my-redis-rotation'); // taken: only the server knows
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '5. Review' }).waitFor();
    await page.getByRole('button', { name: 'Create Secret Rotation' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '4. Details' }).waitFor();
    await page.locator('[data-field="name"]').getByText(/already exists/).waitFor();
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, '10-server-error-on-field');

    // Leaving the dirty wizard asks first.
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('alertdialog', { name: 'Leave the wizard?' }).waitFor();
    await page.getByRole('button', { name: 'Stay' }).click();
    expect(page.url()).toContain('/rotations/new');
    await page.context().close();
  });

  it('rotates now and shows the new active set and time without a reload; credentials masked until shown', async () => {
    const page = await tab();
    await signIn(page, platform.adminToken);
    await open(page, `/projects/${projectId}/rotations/${rotationId}`);
    await page.getByRole('heading', { name: 'Rotation my-redis-rotation' }).waitFor();
    await page.getByText('Rotates in 2 days').or(page.getByText('Rotates in 3 days')).first().waitFor();
    const generated = page.getByTestId('generated');
    await generated.getByRole('button', { name: 'Show password of set 0' }).waitFor();
    expect(await generated.locator('code').nth(1).innerText()).toBe('••••••••••••');
    await generated.getByRole('button', { name: 'Show password of set 0' }).click();
    const secrets = await mappedSecrets();
    expect(await generated.getByText(secrets.REDIS_PASSWORD).count()).toBe(1);
    await expectAccessible(page, '11-rotation-detail');

    const before = await page.getByTestId('last-rotated').getAttribute('data-iso');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByText(/is running/).or(page.getByText('Rotating now')).first().waitFor();
    await page.getByText(/completed\./).waitFor({ timeout: 60_000 });
    await page.getByTestId('active-index').getByText('1').waitFor();
    // The shown time is the rotation's new lastRotatedAt (to the minute on screen, exact here).
    await page.waitForFunction((prev) => document.querySelector('[data-testid="last-rotated"]')?.getAttribute('data-iso') !== prev, before);
    const shown = await page.getByTestId('last-rotated').getAttribute('data-iso');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.getByTestId('timeline').getByText('RotationCompleted').first().waitFor();
    const after = (await ok(api.GET('/api/v2/secret-rotations/redis-credentials/{rotationId}', { params: { path: { rotationId } } }))).secretRotation;
    expect(after.activeIndex).toBe(1);
    expect(shown).toBe(after.lastRotatedAt);
    await screenshot(page, '12-rotated');
    await page.context().close();
  });

  it('shows a read-only identity no rotate, reveal or delete', async () => {
    const { identity } = await ok(api.POST('/api/v1/identities', { body: { name: 'console-reader', roles: [{ projectId, permissions: ['read'] }] } }));
    const { token } = await ok(api.POST('/api/v1/identities/{identityId}/tokens', { params: { path: { identityId: identity.id } }, body: { name: 'console' } }));
    const page = await tab();
    await signIn(page, token.token);
    await open(page, `/projects/${projectId}/rotations/${rotationId}`);
    await page.getByRole('heading', { name: 'Rotation my-redis-rotation' }).waitFor();
    expect(await page.getByRole('button', { name: 'Rotate now' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true);
    await page.getByText('Needs the rotate permission in this project').waitFor();
    await page.getByText('Needs the read-generated-credentials permission in this project.').waitFor();
    expect(await page.getByRole('button', { name: /^Show/ }).count()).toBe(0);
    await expectAccessible(page, '13-read-only');
    await open(page, `/projects/${projectId}?env=dev&path=%2F`);
    await page.getByTestId('rotation-my-redis-rotation').waitFor();
    expect(await page.getByRole('button', { name: /^Show/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add Secret Rotation' }).isDisabled()).toBe(true);
    await page.context().close();
  });

  it('deletes with both switches: the mapped secrets and the Redis users are gone', async () => {
    const before = await mappedSecrets();
    const page = await tab();
    await signIn(page, platform.adminToken);
    await open(page, `/projects/${projectId}/rotations/${rotationId}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: /Delete rotation/ });
    const revoke = dialog.getByRole('switch', { name: /Revoke generated credentials/ });
    const deleteSecrets = dialog.getByRole('switch', { name: /Delete the mapped secrets/ });
    expect(await revoke.isChecked()).toBe(false);
    expect(await deleteSecrets.isChecked()).toBe(false);
    expect(await dialog.getByRole('button', { name: 'Delete rotation' }).isDisabled()).toBe(true);
    await revoke.check();
    await deleteSecrets.check();
    await dialog.getByLabel(/to confirm/).fill('my-redis-rotation');
    await expectAccessible(page, '14-delete');
    await dialog.getByRole('button', { name: 'Delete rotation' }).click();
    await page.getByRole('heading', { name: /secrets/ }).waitFor();
    expect(page.url()).toContain(`/projects/${projectId}?`);
    expect(await page.getByTestId('rotation-my-redis-rotation').count()).toBe(0);

    await expect(eventually(async () => {
      const after = await mappedSecrets();
      return after.REDIS_USERNAME === undefined && after.REDIS_PASSWORD === undefined;
    })).resolves.toBe(true);
    const base = before.REDIS_USERNAME.replace(/_[01]$/, '');
    for (const user of [`${base}_0`, `${base}_1`]) {
      await expect(eventually(async () => (await aclUser(redis, user)) === null)).resolves.toBe(true);
    }
    await page.context().close();
  });

  it('never broke its own Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});

/** True once `check` holds (within 30 s), false if it never does. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
