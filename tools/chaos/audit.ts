/**
 * The checks at the end of a run, once everything is back up and nothing is in flight:
 *
 * - every requested job (initial, manual, scheduled, retry) has an outcome in its rotation's
 *   history, a failure has a message, and no two jobs of a rotation overlap (§5.3);
 * - every manual request the API accepted is in that history;
 * - Redis holds no `rotor_*` user of a rotation that is gone, and the users Rotor did not
 *   create are as they were (§5.6);
 * - no secret version was written twice for one job, none for a job the rotation records
 *   as failed, and each rotation's active index matches the user the store serves (§5.2);
 * - the dead-letter topics are empty, or each message is printed with its reason.
 */
import { TOPICS } from '@rotor/contracts';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { RedisServer } from '@rotor/testing';
import { ChaosApi, HistoryEntry } from './api';
import { sleep } from './random';
import { ChaosRotation, Workload } from './workload';

export interface JobFinding {
  rotation: string;
  jobId: string | null;
  problem: string;
}

export interface AuditResult {
  jobs: { requested: number; completed: number; failed: number; endedByDelete: number };
  stuck: JobFinding[];
  overlaps: JobFinding[];
  failedWithoutMessage: JobFinding[];
  lostRequests: JobFinding[];
  orphans: string[];
  foreignUsersChanged: string[];
  duplicates: string[];
  storedForFailedJob: string[];
  unexplainedVersions: string[];
  versionsVsCompletions: string[];
  activeIndexMismatches: string[];
  dlq: DlqMessage[];
}

export interface DlqMessage {
  topic: string;
  sourceTopic: string;
  consumerGroup: string;
  attempts: string;
  error: string;
  type: string;
  key: string;
  failedAt: string;
}

type History = Array<HistoryEntry & { version?: number }>;

/** The history of every rotation the run touched: through the API while it exists, from the read model once deleted. */
export async function collectHistories(api: ChaosApi, workload: Workload, configDb: string): Promise<Map<ChaosRotation, History>> {
  const histories = new Map<ChaosRotation, History>();
  for (const rotation of workload.live.values()) {
    for (let attempt = 1; ; attempt++) {
      const res = await api.history(rotation.id);
      if (res.kind === 'ok') {
        histories.set(rotation, res.value.history);
        break;
      }
      if (attempt >= 30) throw new Error(`history of ${rotation.label} unavailable: ${JSON.stringify(res)}`);
      await sleep(1000);
    }
  }
  if (workload.deleted.length > 0) {
    await withPg(configDb, async (pg) => {
      for (const rotation of workload.deleted) {
        const { rows } = await pg.query<{ type: string; job_id: string | null; occurred_at: Date; details: Record<string, unknown> }>(
          'SELECT type, job_id, occurred_at, details FROM rotation_history WHERE rotation_id = $1 ORDER BY version',
          [rotation.id],
        );
        histories.set(rotation, rows.map((r) => ({ type: r.type, jobId: r.job_id, occurredAt: r.occurred_at.toISOString(), details: r.details })));
      }
    });
  }
  return histories;
}

/** Jobs still waiting for an outcome (for the wait before the audit). */
export function pendingJobs(histories: Map<ChaosRotation, History>): JobFinding[] {
  return checkJobs(histories, []).stuck;
}

export function checkJobs(histories: Map<ChaosRotation, History>, accepted: Workload['accepted']) {
  const jobs = { requested: 0, completed: 0, failed: 0, endedByDelete: 0 };
  const stuck: JobFinding[] = [];
  const overlaps: JobFinding[] = [];
  const failedWithoutMessage: JobFinding[] = [];
  const lostRequests: JobFinding[] = [];
  for (const [rotation, history] of histories) {
    let open: string | null = null;
    const requested = new Set<string>();
    for (const entry of history) {
      if (entry.type === 'RotationRequested') {
        jobs.requested++;
        requested.add(entry.jobId ?? '');
        if (open !== null) overlaps.push({ rotation: rotation.label, jobId: entry.jobId, problem: `requested while job ${open} was in flight` });
        open = entry.jobId;
      } else if (entry.type === 'RotationCompleted' || entry.type === 'RotationAttemptFailed') {
        if (entry.jobId !== open) {
          overlaps.push({ rotation: rotation.label, jobId: entry.jobId, problem: `${entry.type} for a job not in flight (in flight: ${open})` });
        }
        if (entry.type === 'RotationCompleted') jobs.completed++;
        else {
          jobs.failed++;
          const message = entry.details['message'];
          if (typeof message !== 'string' || message.trim() === '') {
            failedWithoutMessage.push({ rotation: rotation.label, jobId: entry.jobId, problem: 'failed without a message' });
          }
        }
        open = null;
      } else if (entry.type === 'RotationDeleted' && open !== null) {
        jobs.endedByDelete++;
        open = null;
      }
    }
    if (open !== null) stuck.push({ rotation: rotation.label, jobId: open, problem: 'requested, never completed nor failed' });
    for (const job of accepted.filter((a) => a.rotationId === rotation.id)) {
      if (!requested.has(job.jobId)) lostRequests.push({ rotation: rotation.label, jobId: job.jobId, problem: 'accepted by the API, absent from the history' });
    }
  }
  return { jobs, stuck, overlaps, failedWithoutMessage, lostRequests };
}

/**
 * `rotor_*` users whose rotation no longer exists. Revocation is asynchronous: the check
 * waits (bounded) for deleted rotations' users to go before it names them.
 */
export async function findOrphans(redis: RedisServer, liveRotationIds: string[], timeoutMs = 60_000): Promise<string[]> {
  const live = new Set(liveRotationIds.map((id) => id.replace(/-/g, '')));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const users = (await redis.withAdmin((c) => c.call('ACL', 'USERS'))) as string[];
    const orphans = users.filter((u) => {
      if (!u.startsWith('rotor_')) return false;
      const m = /^rotor_([0-9a-f]{32})_([01])$/.exec(u);
      return !m || !live.has(m[1]);
    });
    if (orphans.length === 0 || Date.now() > deadline) return orphans;
    await sleep(1000);
  }
}

/**
 * `ACL LIST` lines of the users Rotor did not create: they must not change. Redis may list a
 * user's commands in another order after ACL SAVE and a restart, so each line is compared
 * with its rules sorted.
 */
export async function foreignUsers(redis: RedisServer): Promise<string[]> {
  const lines = (await redis.withAdmin((c) => c.call('ACL', 'LIST'))) as string[];
  return lines
    .filter((l) => !l.startsWith('user rotor_'))
    .map((l) => {
      const [user, name, ...rules] = l.split(' ');
      return [user, name, ...rules.sort()].join(' ');
    })
    .sort();
}

export interface VersionFindings {
  /** A job with more than one version of one secret. */
  duplicates: string[];
  /** A version for a job the rotation's history records as failed. */
  storedForFailedJob: string[];
  /** A version no CredentialsRotated explains, or a job the executor rotated with two events. */
  unexplained: string[];
  /** A live rotation whose versions do not match its completed jobs one to one. */
  versionsVsCompletions: string[];
}

/**
 * Straight from the secret store's database (not through its API): every version of every
 * secret with the job that wrote it, against the executor's CredentialsRotated events and
 * the rotations' histories.
 */
export async function checkSecretVersions(
  secretsDb: string,
  histories: Map<ChaosRotation, History>,
  rotatedJobs: Map<string, Set<string>>,
  liveIds: Set<string>,
): Promise<VersionFindings> {
  const failedJobs = new Set<string>();
  const completedJobs = new Set<string>();
  for (const history of histories.values()) {
    for (const e of history) {
      if (e.type === 'RotationAttemptFailed' && e.jobId) failedJobs.add(e.jobId);
      if (e.type === 'RotationCompleted' && e.jobId) completedJobs.add(e.jobId);
    }
  }
  const rows = await withPg(secretsDb, async (pg) =>
    (
      await pg.query<{ rotation_id: string | null; secret_path: string; secret_key: string; job_id: string | null }>(
        `SELECT v.rotation_id, s.secret_path, s.secret_key, v.job_id
           FROM secret_versions v JOIN secrets s ON s.id = v.secret_id`,
      )
    ).rows,
  );
  const perSecretJob = new Map<string, number>();
  for (const r of rows) {
    if (!r.job_id) continue;
    const key = `${r.secret_path}/${r.secret_key} job ${r.job_id}`;
    perSecretJob.set(key, (perSecretJob.get(key) ?? 0) + 1);
  }
  const duplicates = [...perSecretJob].filter(([, n]) => n > 1).map(([key, n]) => `${key}: ${n} versions`);
  const storedJobs = new Map(rows.filter((r) => r.job_id).map((r) => [r.job_id as string, r.secret_path]));
  const storedForFailedJob = [...storedJobs]
    .filter(([job]) => failedJobs.has(job) && !completedJobs.has(job))
    .map(([job, path]) => `${path}: job ${job} stored, but its rotation recorded it as failed`);
  const unexplained = [
    ...[...storedJobs].filter(([job]) => !rotatedJobs.has(job)).map(([job, path]) => `${path}: job ${job} stored without a CredentialsRotated`),
    ...[...rotatedJobs].filter(([, events]) => events.size > 1).map(([job, events]) => `job ${job} rotated by ${events.size} different CredentialsRotated events`),
  ];
  const versionsVsCompletions: string[] = [];
  for (const [rotation, history] of histories) {
    // A deleted rotation's secrets went with it (deleteSecrets).
    if (!liveIds.has(rotation.id)) continue;
    const completed = history.filter((e) => e.type === 'RotationCompleted').length;
    const mine = rows.filter((r) => r.rotation_id === rotation.id && r.job_id);
    for (const key of ['REDIS_USERNAME', 'REDIS_PASSWORD']) {
      const versions = mine.filter((r) => r.secret_key === key).length;
      if (versions !== completed) versionsVsCompletions.push(`${rotation.label} ${key}: ${versions} versions for ${completed} completed jobs`);
    }
  }
  return { duplicates, storedForFailedJob, unexplained, versionsVsCompletions };
}

/** Each live rotation's activeIndex (rotation-config) against the user the store serves. */
export async function checkActiveIndexes(api: ChaosApi, workload: Workload): Promise<string[]> {
  const mismatches: string[] = [];
  for (const rotation of workload.live.values()) {
    const [view, served] = await Promise.all([api.get(rotation.id), api.readSecrets(rotation)]);
    if (view.kind !== 'ok' || served.kind !== 'ok' || !served.value) {
      mismatches.push(`${rotation.label}: could not read (${view.kind}/${served.kind})`);
      continue;
    }
    const servedIndex = Number(served.value.username.slice(-1));
    if (servedIndex !== view.value.secretRotation.activeIndex) {
      mismatches.push(`${rotation.label}: rotation-config says slot ${view.value.secretRotation.activeIndex}, the store serves ${served.value.username}`);
    }
  }
  return mismatches;
}

/** Every message on every `.dlq` topic of the run's broker. */
export async function readDeadLetters(broker: string): Promise<DlqMessage[]> {
  const messages: DlqMessage[] = [];
  await readTopics(broker, (t) => t.endsWith('.dlq'), (topic, message) => {
    const h = (name: string) => message.headers?.[name]?.toString() ?? '';
    let type = '?';
    try {
      type = String((JSON.parse(message.value?.toString() ?? '{}') as { type?: unknown }).type ?? '?');
    } catch {
      type = 'unparseable';
    }
    messages.push({
      topic,
      sourceTopic: h('rotor-dlq-source-topic'),
      consumerGroup: h('rotor-dlq-consumer-group'),
      attempts: h('rotor-dlq-attempts'),
      error: h('rotor-dlq-error'),
      type,
      key: message.key?.toString() ?? '',
      failedAt: h('rotor-dlq-failed-at'),
    });
  });
  return messages;
}

/**
 * The executor's CredentialsRotated events, by job: each job must have been rotated by one
 * event (the relay may publish an event twice, with the same eventId; a second eventId for one
 * job would be a second, different password).
 */
export async function readRotatedJobs(broker: string): Promise<Map<string, Set<string>>> {
  const jobs = new Map<string, Set<string>>();
  await readTopics(broker, (t) => t === TOPICS.executorEvents, (_topic, message) => {
    const envelope = JSON.parse(message.value?.toString() ?? '{}') as { type?: string; eventId?: string; payload?: { jobId?: string } };
    if (envelope.type !== 'CredentialsRotated' || !envelope.payload?.jobId || !envelope.eventId) return;
    const ids = jobs.get(envelope.payload.jobId) ?? new Set<string>();
    ids.add(envelope.eventId);
    jobs.set(envelope.payload.jobId, ids);
  });
  return jobs;
}

/** Reads the chosen topics from the beginning to their current end, once. */
async function readTopics(broker: string, wantTopic: (topic: string) => boolean, onMessage: (topic: string, message: KafkaMessage) => void): Promise<void> {
  const kafka = new Kafka({ clientId: 'rotor-chaos-audit', brokers: broker.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, Map<number, bigint>>();
  try {
    for (const topic of (await admin.listTopics()).filter(wantTopic)) {
      const offsets = (await admin.fetchTopicOffsets(topic)).filter((o) => BigInt(o.high) > BigInt(o.low));
      if (offsets.length > 0) remaining.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    }
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return;

  const consumer = kafka.consumer({ groupId: `rotor-chaos-audit-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...remaining.keys()], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const ends = remaining.get(topic);
        const end = ends?.get(partition);
        if (end === undefined || BigInt(message.offset) >= end) return;
        onMessage(topic, message);
        if (BigInt(message.offset) + 1n >= end) ends?.delete(partition);
      },
    });
    const deadline = Date.now() + 120_000;
    while ([...remaining.values()].some((parts) => parts.size > 0)) {
      if (Date.now() > deadline) throw new Error(`could not read ${[...remaining.keys()].join(', ')} to the end within 120 s`);
      await sleep(200);
    }
  } finally {
    await consumer.disconnect();
  }
}

async function withPg<T>(database: string, work: (pg: Client) => Promise<T>): Promise<T> {
  const pg = new Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${database}` });
  await pg.connect();
  try {
    return await work(pg);
  } finally {
    await pg.end();
  }
}
