/**
 * docker-compose.yml cannot run here (no Docker engine), so this checks it against the code:
 * the same services, the ports each app listens on by default, health checks on the real
 * readiness endpoint, and environment variables that the apps actually read.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..', '..');
const APPS = ['gateway', 'rotation-config', 'rotation-scheduler', 'redis-executor', 'secret-store', 'alerts'] as const;

interface ComposeService {
  image?: string;
  build?: { args?: Record<string, string> };
  ports?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };

function sourceOf(dir: string): string {
  let text = '';
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) text += sourceOf(path);
    else if (entry.endsWith('.ts') && !entry.endsWith('.spec.ts')) text += readFileSync(path, 'utf8');
  }
  return text;
}

const libsSource = sourceOf(join(ROOT, 'libs'));
const defaultPort = (app: string) => Number(/defaultPort: (\d+)/.exec(readFileSync(join(ROOT, 'apps', app, 'src', 'main.ts'), 'utf8'))?.[1]);

describe('docker-compose.yml', () => {
  it('describes the same stack: Kafka, Postgres, Redis, migrations and the six services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['kafka', 'migrate', 'postgres', 'redis', ...APPS].sort());
    expect(compose.services['kafka'].image).toMatch(/^apache\/kafka:4\./);
    expect(compose.services['kafka'].environment?.['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(compose.services['migrate'].command).toEqual(['node', '-r', './tools/register.cjs', 'tools/migrate.ts']);
  });

  it.each(APPS)('builds %s from this repository and runs it after migrations, on its default port', (app) => {
    const service = compose.services[app];
    expect(service.build?.args?.['APP']).toBe(app);
    expect(Number(service.environment?.['PORT'])).toBe(defaultPort(app));
    expect(service.depends_on?.['migrate']?.condition).toBe('service_completed_successfully');
    expect(service.healthcheck?.test.join(' ')).toContain('/health/ready');
  });

  it.each(APPS)('gives %s the configuration it needs, and only variables its code reads', (app) => {
    const env = compose.services[app].environment ?? {};
    const required = ['PORT', 'HOST', 'DATABASE_URL', 'KAFKA_BROKERS', 'ROTOR_ROOT_KEY', 'ROTOR_INTERNAL_TOKEN'];
    if (app === 'gateway') required.push('ROTATION_CONFIG_URL', 'SECRET_STORE_URL', 'ALERTS_URL', 'ROTOR_ADMIN_TOKEN');
    if (app === 'rotation-config') required.push('SECRET_STORE_URL');
    for (const name of required) expect({ app, name, set: name in env }).toEqual({ app, name, set: true });
    const code = sourceOf(join(ROOT, 'apps', app, 'src')) + libsSource;
    for (const name of Object.keys(env)) expect({ app, name, read: code.includes(`'${name}'`) }).toEqual({ app, name, read: true });
    expect(String(env['DATABASE_URL'])).toMatch(new RegExp(`@postgres:5432/rotor_`));
  });

  it('points the gateway and rotation-config at the services by their compose names and ports', () => {
    const env = compose.services['gateway'].environment ?? {};
    expect(env['ROTATION_CONFIG_URL']).toBe(`http://rotation-config:${defaultPort('rotation-config')}`);
    expect(env['SECRET_STORE_URL']).toBe(`http://secret-store:${defaultPort('secret-store')}`);
    expect(env['ALERTS_URL']).toBe(`http://alerts:${defaultPort('alerts')}`);
    expect(compose.services['rotation-config'].environment?.['SECRET_STORE_URL']).toBe(`http://secret-store:${defaultPort('secret-store')}`);
    expect(compose.services['gateway'].ports).toEqual([`${defaultPort('gateway')}:${defaultPort('gateway')}`]);
  });
});
