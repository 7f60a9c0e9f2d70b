/**
 * One platform per Jest worker for the end-to-end files that neither stop nor restart a service
 * and need no settings of their own: the first such file a worker runs starts it, the next ones
 * attach to it, and the suite's global teardown stops it (`stopSharedPlatforms`). A platform
 * start is a broker, six databases migrated and six cold Node services; sharing it saves that
 * per file. Files that share a platform keep out of each other's way by working in a project of
 * their own (`createProject`) or, for one of them, the default project.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '@rotor/util';
import { testWorker, workerPort, workerSuffix } from './lane';
import { Platform, PlatformOptions, PlatformSecrets, SERVICES } from './platform';
import { RotorApi } from './rotor-api';

const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(ROOT, 'tmp', 'e2e-shared');

interface Descriptor {
  options: PlatformOptions;
  secrets: PlatformSecrets;
  /** The service processes, for the teardown (they outlive the file that started them). */
  pids: number[];
}

/**
 * What every file on the shared platform gets: its own ports and databases (not those of the
 * files that start a platform of their own), info logs, a rate limit no test meets, and the
 * short Kafka session the audit log's tests rely on.
 */
function sharedOptions(): PlatformOptions {
  const worker = testWorker();
  return {
    basePort: workerPort(15080),
    kafkaPort: workerPort(15092),
    databaseSuffix: workerSuffix('_e2e_shared'),
    kafkaHome: join(ROOT, 'tmp', `e2e-shared-kafka-w${worker}`),
    logDir: join(ROOT, 'tmp', `e2e-shared-logs-w${worker}`),
    readyTimeoutMs: 240_000,
    extraEnv: {
      LOG_LEVEL: 'info',
      GATEWAY_RATE_LIMIT_BURST: '1000000',
      GATEWAY_RATE_LIMIT_PER_SECOND: '1000000',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    },
  };
}

function descriptorFile(): string {
  return join(DIR, `w${testWorker()}.json`);
}

/** This worker's shared platform: attached to when it answers, else started (fresh data). */
export async function sharedPlatform(): Promise<Platform> {
  const file = descriptorFile();
  if (existsSync(file)) {
    const found = JSON.parse(readFileSync(file, 'utf8')) as Descriptor;
    const attached = new Platform({ ...found.options, attachTo: found.secrets });
    if (await attached.isReady()) return attached;
    await stopDescribed(found);
  }
  const platform = new Platform(sharedOptions());
  await platform.prepare();
  // On a loaded machine a service may give up waiting for the fresh broker's topic leaders:
  // start again (the topics exist by then) rather than fail every file of the worker.
  for (let attempt = 1; ; attempt++) {
    try {
      await platform.startAll();
      break;
    } catch (e) {
      await platform.stopAll();
      if (attempt === 3) {
        platform.stopKafka();
        throw e;
      }
    }
  }
  platform.release();
  mkdirSync(DIR, { recursive: true });
  const pids = SERVICES.map((s) => platform.pid(s)).filter((p): p is number => p !== undefined);
  writeFileSync(file, JSON.stringify({ ...platform.describe(), pids } satisfies Descriptor));
  return platform;
}

/**
 * Stops this worker's shared platform, if it runs: before a file that starts a platform of its
 * own, so the two never hold Postgres connections and CPU at once (the end-to-end suite runs
 * the files on the shared platform first, so it starts once per worker).
 */
export async function stopSharedPlatform(): Promise<void> {
  const file = descriptorFile();
  if (!existsSync(file)) return;
  await stopDescribed(JSON.parse(readFileSync(file, 'utf8')) as Descriptor);
  rmSync(file, { force: true });
}

/** Stops every shared platform this checkout's suite started (the end-to-end global teardown). */
export async function stopSharedPlatforms(): Promise<void> {
  if (!existsSync(DIR)) return;
  for (const name of readdirSync(DIR).filter((n) => n.endsWith('.json'))) {
    await stopDescribed(JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Descriptor);
  }
  rmSync(DIR, { recursive: true, force: true });
}

async function stopDescribed(found: Descriptor): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of found.pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && found.pids.some(alive); waited += 200) await sleep(200);
  for (const pid of found.pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  new Platform({ ...found.options, attachTo: found.secrets }).stopKafka();
}

/** A project of the test's own on `platform` (slug and name), so files sharing it never meet. */
export async function createProject(platform: Platform, slug: string): Promise<string> {
  const api = new RotorApi(platform.url(), platform.adminToken);
  return (await api.ok<{ project: { id: string } }>('POST', '/api/v1/projects', { name: slug, slug })).project.id;
}
