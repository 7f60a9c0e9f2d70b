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

/**
 * docker-compose.scaled.yml laid over docker-compose.yml, merged as `docker compose -f … -f …`
 * does: a service's mappings (environment, depends_on) key by key, everything else replaced.
 */
function scaledStack(): Record<string, ComposeService> {
  const override = parse(readFileSync(join(ROOT, 'docker-compose.scaled.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const merged: Record<string, ComposeService> = { ...compose.services };
  for (const [name, service] of Object.entries(override.services)) {
    const base = compose.services[name] ?? {};
    merged[name] = {
      ...base,
      ...service,
      environment: { ...base.environment, ...service.environment },
      depends_on: { ...base.depends_on, ...service.depends_on },
    };
  }
  return merged;
}

describe('docker-compose.scaled.yml', () => {
  const stack = scaledStack();
  const nodes = ['kafka', 'kafka-2', 'kafka-3'];

  it('runs a 3-node KRaft cluster: one quorum, replication factor 3, min.insync.replicas 2', () => {
    const envs = nodes.map((n) => stack[n].environment ?? {});
    expect(envs.map((e) => Number(e['KAFKA_NODE_ID']))).toEqual([1, 2, 3]);
    for (const [i, e] of envs.entries()) {
      expect(e['KAFKA_CONTROLLER_QUORUM_VOTERS']).toBe('1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093');
      expect(e['KAFKA_ADVERTISED_LISTENERS']).toBe(`PLAINTEXT://${nodes[i]}:9092`);
      expect(Number(e['KAFKA_DEFAULT_REPLICATION_FACTOR'])).toBe(3);
      expect(Number(e['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR'])).toBe(3);
      expect(Number(e['KAFKA_MIN_INSYNC_REPLICAS'])).toBe(2);
    }
  });

  it.each(APPS)('runs two instances of %s, configured alike, on every Kafka node', (app) => {
    const [first, second] = [stack[app], stack[`${app}-2`]];
    expect(second.build?.args?.['APP']).toBe(app);
    expect(second.healthcheck?.test.join(' ')).toContain('/health/ready');
    expect(second.depends_on?.['migrate']?.condition).toBe('service_completed_successfully');
    expect(second.environment).toEqual(first.environment);
    expect(first.environment?.['KAFKA_BROKERS']).toBe('kafka:9092,kafka-2:9092,kafka-3:9092');
    for (const node of nodes) expect(first.depends_on?.[node]?.condition).toBe('service_healthy');
    const code = sourceOf(join(ROOT, 'apps', app, 'src')) + libsSource;
    for (const name of Object.keys(second.environment ?? {})) expect({ app, name, read: code.includes(`'${name}'`) }).toEqual({ app, name, read: true });
  });

  it('tells every caller both instances of the services it calls, and publishes both gateways', () => {
    const both = (service: string) => `http://${service}:${defaultPort(service)},http://${service}-2:${defaultPort(service)}`;
    expect(stack['gateway'].environment).toMatchObject({ ROTATION_CONFIG_URL: both('rotation-config'), SECRET_STORE_URL: both('secret-store'), ALERTS_URL: both('alerts') });
    expect(stack['rotation-config'].environment?.['SECRET_STORE_URL']).toBe(both('secret-store'));
    expect([...(stack['gateway'].ports ?? []), ...(stack['gateway-2'].ports ?? [])]).toEqual(['8080:8080', '8086:8080']);
  });
});
