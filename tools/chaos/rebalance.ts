/**
 * How long Kafka's consumer groups take to move a killed instance's partitions to the
 * instances left: from the kill until every group that service consumes in is Stable again
 * with only the survivors as members. A member killed with -9 says no goodbye, so this is
 * about the session timeout (KAFKA_SESSION_TIMEOUT_MS) plus the rebalance.
 */
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Service } from '@rotor/testing';
import { sleep } from './random';

export class RebalanceClock {
  private constructor(private readonly admin: Admin) {}

  static async connect(brokers: string[]): Promise<RebalanceClock> {
    const admin = new Kafka({ clientId: 'chaos-rebalance-clock', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    return new RebalanceClock(admin);
  }

  async close(): Promise<void> {
    await this.admin.disconnect().catch(() => undefined);
  }

  /**
   * Call right before killing one instance of `service`; resolves with the milliseconds until
   * its groups were Stable with `survivors` members of it, or undefined when the service is in
   * no group or the move took longer than `timeoutMs` (then the run's own checks tell the rest).
   */
  async expect(service: Service, survivors: number, timeoutMs = 60_000): Promise<number | undefined> {
    const started = Date.now();
    try {
      const groups = await this.groupsOf(service);
      if (groups.length === 0) return undefined;
      while (Date.now() - started < timeoutMs) {
        const { groups: described } = await this.admin.describeGroups(groups);
        const moved = described.every((g) => g.state === 'Stable' && g.members.filter((m) => m.clientId === service).length === survivors);
        if (moved) return Date.now() - started;
        await sleep(100);
      }
    } catch {
      // A broker restarting meanwhile: no figure for this kill.
    }
    return undefined;
  }

  /** The consumer groups with a member of `service` (its Kafka client id is the service's name). */
  private async groupsOf(service: Service): Promise<string[]> {
    const { groups } = await this.admin.listGroups();
    const ids = groups.map((g) => g.groupId).filter((id) => !id.startsWith('chaos-'));
    if (ids.length === 0) return [];
    const { groups: described } = await this.admin.describeGroups(ids);
    return described.filter((g) => g.members.some((m) => m.clientId === service)).map((g) => g.groupId);
  }
}
