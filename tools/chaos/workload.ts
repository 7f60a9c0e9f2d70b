/**
 * The rotations a chaos run works on, and the work: create them, request manual rotations
 * at a steady rate (spread at random over the rotations), and now and then delete one (with
 * revocation) and create another in its place. Every call tolerates an unavailable API,
 * retrying within bounds, because services are being killed underneath.
 */
import { ChaosApi, Rotation, ROTATIONS, PASSWORD_KEY, USERNAME_KEY } from './api';
import { Probe } from './probe';
import { Random, sleep } from './random';

export interface ChaosRotation {
  id: string;
  label: string;
  projectId: string;
  secretPath: string;
  /** Rotated on the fast dev schedule too (ROTOR_DEV_MINUTES=1, every minute). */
  auto: boolean;
}

export interface AcceptedJob {
  rotationId: string;
  jobId: string;
  at: string;
}

export interface WorkloadCounts {
  accepted: number;
  /** 409: a rotation of that configuration was in flight (scheduled, or an earlier request). */
  inFlightRefusals: number;
  /** Requests the API could not take (a service down). */
  requestsUnavailable: number;
  /** Other refusals: each is suspicious and listed. */
  otherRefusals: number;
  created: number;
  createRetries: number;
  deleted: number;
}

const CREATE_DEADLINE_MS = 180_000;

export class Workload {
  readonly live = new Map<string, ChaosRotation>();
  readonly deleted: ChaosRotation[] = [];
  readonly accepted: AcceptedJob[] = [];
  readonly refusals: string[] = [];
  readonly counts: WorkloadCounts = {
    accepted: 0, inFlightRefusals: 0, requestsUnavailable: 0, otherRefusals: 0, created: 0, createRetries: 0, deleted: 0,
  };
  private nextLabel = 0;

  constructor(
    private readonly api: ChaosApi,
    private readonly probe: Probe,
    private readonly random: Random,
    private readonly place: { projectId: string; connectionId: string },
    private readonly log: (line: string) => void,
  ) {}

  /** Creates a rotation (its first credential set issued) and starts probing it. */
  async create(auto: boolean): Promise<ChaosRotation> {
    const label = `r${String(this.nextLabel++).padStart(3, '0')}`;
    const secretPath = `/chaos/${label}`;
    const body = {
      name: `chaos-${label}`,
      projectId: this.place.projectId,
      connectionId: this.place.connectionId,
      environment: 'dev',
      secretPath,
      isAutoRotationEnabled: auto,
      rotationInterval: 1,
      rotateAtUtc: { hours: 0, minutes: 0 },
      parameters: { permissionScope: '~chaos:* +@read +@write +ping' },
      secretsMapping: { username: USERNAME_KEY, password: PASSWORD_KEY },
    };
    const deadline = Date.now() + CREATE_DEADLINE_MS;
    for (;;) {
      const res = await this.api.answer<{ secretRotation: Rotation }>('POST', ROTATIONS, body, 60_000);
      let id: string | null = res.kind === 'ok' ? res.value.secretRotation.id : null;
      if (res.kind === 'refused' && (res.status === 409 || errorCode(res.body) === 'ROTATION.LOCATION_CONFLICT')) {
        // A create that answered nothing (a service killed under it) may have gone through: adopt it.
        id = await this.findByName(body.name, secretPath);
      } else if (res.kind === 'refused' && isInitialIssueFailure(res.body)) {
        // Redis being restarted, say: the create was undone, and a later one may succeed.
        this.log(`create ${label}: first credential set not issued (${(res.body as { message?: string }).message ?? ''}); trying again`);
      } else if (res.kind === 'refused') {
        throw new Error(`creating ${label} was refused (${res.status}): ${JSON.stringify(res.body)}`);
      }
      if (id) {
        const rotation: ChaosRotation = { id, label, projectId: this.place.projectId, secretPath, auto };
        await this.awaitServed(rotation);
        this.live.set(id, rotation);
        this.counts.created++;
        this.probe.watch({ rotationId: id, label, projectId: rotation.projectId, secretPath });
        return rotation;
      }
      if (Date.now() > deadline) throw new Error(`could not create ${label} within ${CREATE_DEADLINE_MS / 1000} s: ${JSON.stringify(res)}`);
      this.counts.createRetries++;
      await sleep(1000);
    }
  }

  /** One manual request to a random live rotation. */
  async requestOne(): Promise<void> {
    const rotations = [...this.live.values()];
    if (rotations.length === 0) return;
    // Rotations on the dev schedule get a manual request now and then, so they also rotate on
    // their own, and sometimes both ask at once.
    let rotation = this.random.pick(rotations);
    if (rotation.auto && this.random.next() < 0.85) rotation = this.random.pick(rotations);
    if (rotation.auto && this.random.next() < 0.85) return;
    const res = await this.api.rotate(rotation.id);
    if (res.kind === 'ok') {
      const jobId = res.value.secretRotation.lastRotationJobId;
      this.counts.accepted++;
      if (jobId) this.accepted.push({ rotationId: rotation.id, jobId, at: new Date().toISOString() });
      return;
    }
    if (res.kind === 'unavailable') {
      this.counts.requestsUnavailable++;
      return;
    }
    if (res.status === 409) {
      this.counts.inFlightRefusals++;
      return;
    }
    // A rotation being deleted right now answers 404; anything else is worth a look.
    if (res.status === 404 && !this.live.has(rotation.id)) return;
    this.counts.otherRefusals++;
    this.refusals.push(`${new Date().toISOString()} ${rotation.label}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }

  /** Deletes a random rotation (secrets and both Redis users) and creates a new one. */
  async churn(): Promise<void> {
    const victim = this.random.pick([...this.live.values()]);
    await this.probe.unwatch(victim.id);
    this.live.delete(victim.id);
    const deadline = Date.now() + CREATE_DEADLINE_MS;
    for (;;) {
      const res = await this.api.delete(victim.id);
      if (res.kind === 'ok' || (res.kind === 'refused' && res.status === 404)) break;
      if (res.kind === 'refused') throw new Error(`deleting ${victim.label} was refused (${res.status}): ${JSON.stringify(res.body)}`);
      if (Date.now() > deadline) throw new Error(`could not delete ${victim.label}: ${res.message}`);
      await sleep(1000);
    }
    this.deleted.push(victim);
    this.counts.deleted++;
    this.log(`churn: deleted ${victim.label} (${victim.id}) with its users`);
    const created = await this.create(victim.auto);
    this.log(`churn: created ${created.label} (${created.id})`);
  }

  /** Every rotation the project has, whoever created it (for the orphan check). */
  async listLive(): Promise<Rotation[]> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.api.answer<{ secretRotations: Rotation[] }>('GET', `${ROTATIONS}?projectId=${this.place.projectId}`);
      if (res.kind === 'ok') return res.value.secretRotations;
      if (attempt >= 30) throw new Error(`could not list rotations: ${JSON.stringify(res)}`);
      await sleep(1000);
    }
  }

  /** Turns the dev schedule off, so the run can end with nothing in flight. */
  async stopSchedules(): Promise<void> {
    for (const rotation of this.live.values()) {
      if (!rotation.auto) continue;
      for (let attempt = 1; ; attempt++) {
        const res = await this.api.answer('PATCH', `${ROTATIONS}/${rotation.id}`, { isAutoRotationEnabled: false });
        if (res.kind === 'ok') break;
        if (res.kind === 'refused' || attempt >= 30) throw new Error(`could not pause ${rotation.label}: ${JSON.stringify(res)}`);
        await sleep(1000);
      }
    }
  }

  private async findByName(name: string, secretPath: string): Promise<string | null> {
    const query = `projectId=${this.place.projectId}&environment=dev&secretPath=${encodeURIComponent(secretPath)}`;
    const res = await this.api.answer<{ secretRotation: Rotation }>('GET', `${ROTATIONS}/rotation-name/${name}?${query}`);
    return res.kind === 'ok' ? res.value.secretRotation.id : null;
  }

  /** The create answered once the first set was stored; an adopted one may still be on its way. */
  private async awaitServed(rotation: ChaosRotation): Promise<void> {
    const deadline = Date.now() + CREATE_DEADLINE_MS;
    for (;;) {
      const read = await this.api.readSecrets(rotation);
      if (read.kind === 'ok' && read.value) return;
      if (Date.now() > deadline) throw new Error(`the mapped secrets of ${rotation.label} never appeared`);
      await sleep(500);
    }
  }
}

function isInitialIssueFailure(body: unknown): boolean {
  return errorCode(body) === 'ROTATION.INITIAL_ISSUE_FAILED';
}

function errorCode(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
}
