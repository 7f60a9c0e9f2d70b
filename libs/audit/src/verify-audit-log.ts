import { AuditRecordRow, recordOf } from './audit-rows';
import { ChainVerification, ChainVerifier, FieldDifference } from './verify-chain';

/** What verification reads through: a pg client, a TypeORM DataSource or EntityManager. */
export interface SqlQueryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface AuditLogVerification {
  ok: boolean;
  chains: ChainVerification[];
  /** The first broken link of the first broken chain, if any. */
  firstBroken: Extract<ChainVerification, { ok: false }>['broken'] | null;
}

const BATCH = 1_000;

/**
 * Verifies every chain of the audit log (or the chain of one project) against its head,
 * reading records in sequence order in batches.
 */
export async function verifyAuditLog(db: SqlQueryable, opts: { projectId?: string } = {}): Promise<AuditLogVerification> {
  const heads = rowsOf<{ chain: string; sequence: string; hash: string }>(
    await db.query(
      opts.projectId === undefined
        ? 'SELECT chain, sequence, hash FROM audit_chain_heads ORDER BY chain'
        : 'SELECT chain, sequence, hash FROM audit_chain_heads WHERE chain = $1',
      opts.projectId === undefined ? [] : [opts.projectId],
    ),
  );
  const chains: ChainVerification[] = [];
  for (const head of heads) {
    const verifier = new ChainVerifier(head.chain);
    let after = 0;
    for (;;) {
      const rows = rowsOf<AuditRecordRow>(
        await db.query('SELECT * FROM audit_records WHERE chain = $1 AND sequence > $2 ORDER BY sequence LIMIT $3', [head.chain, after, BATCH]),
      );
      let going = true;
      for (const row of rows) {
        going = verifier.push(recordOf(row));
        if (!going) break;
      }
      if (!going || rows.length < BATCH) break;
      after = Number(rows[rows.length - 1]?.sequence);
    }
    chains.push(verifier.finish({ sequence: Number(head.sequence), hash: head.hash }));
  }
  const broken = chains.find((c): c is Extract<ChainVerification, { ok: false }> => !c.ok);
  if (broken?.broken.reason === 'content-changed' && broken.broken.recordId) {
    const differences = await differencesFromPublished(db, broken.broken.recordId);
    if (differences) broken.broken.differences = differences;
  }
  return { ok: !broken, chains, firstBroken: broken?.broken ?? null };
}

/**
 * What differs between a changed record and the copy published with it (the outbox row of
 * its AuditRecorded event, while the outbox keeps it): field paths with both values. Null
 * when that copy is gone.
 */
async function differencesFromPublished(db: SqlQueryable, recordId: string): Promise<FieldDifference[] | null> {
  try {
    const [stored] = rowsOf<AuditRecordRow>(await db.query('SELECT * FROM audit_records WHERE id = $1', [recordId]));
    const [published] = rowsOf<{ envelope: { payload: Record<string, unknown> } }>(
      await db.query(`SELECT envelope FROM outbox WHERE topic = 'rotor.audit.v1' AND envelope->>'eventId' = $1 LIMIT 1`, [recordId]),
    );
    if (!stored || !published) return null;
    return diff(published.envelope.payload, recordOf(stored) as unknown as Record<string, unknown>, '');
  } catch {
    return null;
  }
}

function diff(published: Record<string, unknown>, stored: Record<string, unknown>, prefix: string): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const key of new Set([...Object.keys(published), ...Object.keys(stored)])) {
    const a = published[key];
    const b = stored[key];
    if (isObject(a) && isObject(b)) out.push(...diff(a, b, `${prefix}${key}.`));
    else if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: `${prefix}${key}`, published: a ?? null, stored: b ?? null });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** pg's client answers `{ rows }`, TypeORM's `query` the rows themselves. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
