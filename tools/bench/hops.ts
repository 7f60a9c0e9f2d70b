/**
 * Where a rotation's time goes, hop by hop, read back after a phase from the services' own
 * tables and joined by event id: each event's outbox row (`occurredAt` in its envelope, when
 * the service decided it; `published_at`, when the relay recorded that Kafka acknowledged it:
 * the relay records a batch with the statement that selects its next one, so this can trail
 * the real send by one relay round, and a consumer may claim the event "before" it), each
 * consumer's inbox claim (`processed_at`: the start of the transaction that applied it) and
 * the events a consumer appended in answer (`causationId` = the event it handled). All clocks
 * are this machine's.
 */
import { Client } from 'pg';
import { LatencySummary, summarize } from './stats';

export interface HopSummary {
  /** e.g. "RotationRequested appended → claimed by redis-executor" (relay, Kafka and the consumer's fetch). */
  hop: string;
  latencyMs: LatencySummary;
}

interface OutboxRow {
  db: string;
  id: string;
  type: string;
  occurredMs: number;
  causationId: string | null;
  publishedMs: number | null;
}

interface InboxRow {
  db: string;
  consumer: string;
  id: string;
  processedMs: number;
}

/** Hops of the events that occurred between `fromMs` and `toMs` (epoch ms), slowest p99 first within each stage. */
export async function readHops(server: string, databases: readonly string[], fromMs: number, toMs: number): Promise<HopSummary[]> {
  const outbox: OutboxRow[] = [];
  const inbox: InboxRow[] = [];
  // Effects land after the phase's last event: a minute of margin for the consumers' claims.
  const window = [new Date(fromMs).toISOString(), new Date(toMs + 60_000).toISOString()];
  for (const db of databases) {
    const pg = new Client({ connectionString: `${server}/${db}` });
    await pg.connect();
    try {
      const out = await pg.query<{ id: string; type: string; occurred: string; cause: string | null; published_at: Date | null }>(
        `SELECT envelope->>'eventId' AS id, envelope->>'type' AS type, envelope->>'occurredAt' AS occurred,
                envelope->>'causationId' AS cause, published_at
           FROM outbox WHERE created_at BETWEEN $1 AND $2`,
        window,
      );
      for (const r of out.rows) {
        outbox.push({ db, id: r.id.toLowerCase(), type: r.type, occurredMs: Date.parse(r.occurred), causationId: r.cause?.toLowerCase() ?? null, publishedMs: r.published_at?.getTime() ?? null });
      }
      const claims = await pg.query<{ consumer: string; id: string; processed_at: Date }>(
        'SELECT consumer, event_id::text AS id, processed_at FROM inbox WHERE processed_at BETWEEN $1 AND $2',
        window,
      );
      for (const r of claims.rows) inbox.push({ db, consumer: r.consumer, id: r.id.toLowerCase(), processedMs: r.processed_at.getTime() });
    } catch (e) {
      // A database without an outbox or inbox (none today) has no hops to tell.
      if ((e as { code?: string }).code !== '42P01') throw e;
    } finally {
      await pg.end();
    }
  }

  const inPhase = outbox.filter((o) => o.occurredMs >= fromMs && o.occurredMs <= toMs);
  const byId = new Map(inPhase.map((o) => [o.id, o]));
  const answers = new Map<string, OutboxRow[]>();
  for (const o of outbox) {
    if (!o.causationId) continue;
    const key = `${o.db} ${o.causationId}`;
    const list = answers.get(key);
    if (list) list.push(o);
    else answers.set(key, [o]);
  }
  const samples = new Map<string, number[]>();
  const add = (hop: string, ms: number) => {
    const list = samples.get(hop);
    if (list) list.push(ms);
    else samples.set(hop, [ms]);
  };
  for (const o of inPhase) if (o.publishedMs !== null) add(`${o.type} appended → published (relay)`, o.publishedMs - o.occurredMs);
  for (const claim of inbox) {
    const event = byId.get(claim.id);
    if (!event) continue;
    // From the decision, not from published_at: that one trails the send by up to a relay round.
    add(`${event.type} appended → claimed by ${claim.consumer}`, claim.processedMs - event.occurredMs);
    for (const answer of answers.get(`${claim.db} ${claim.id}`) ?? []) {
      add(`${event.type} claimed by ${claim.consumer} → ${answer.type} appended`, answer.occurredMs - claim.processedMs);
    }
  }
  return [...samples.entries()]
    .map(([hop, values]) => ({ hop, latencyMs: summarize(values) }))
    .sort((a, b) => stage(a.hop) - stage(b.hop) || b.latencyMs.p99 - a.latencyMs.p99);
}

function stage(hop: string): number {
  if (hop.includes('(relay)')) return 0;
  if (hop.includes('appended → claimed')) return 1;
  return 2;
}
