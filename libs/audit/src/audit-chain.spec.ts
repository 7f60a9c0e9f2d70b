import { AuditRecord, AuditRecordFields, GENESIS_HASH, canonicalJson, chainRecord, hashRecord, resultOf, storableText, verifyChain } from './index';

function fields(n: number): Omit<AuditRecordFields, 'sequence' | 'previousHash'> {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    chain: 'p1',
    occurredAt: `2026-01-01T00:00:0${n}.000Z`,
    actor: { type: 'identity', identityId: 'i1', identityName: 'ci', tokenId: 't1' },
    projectId: 'p1',
    action: 'secret.read',
    target: { type: 'secret', id: 'REDIS_PASSWORD' },
    outcome: { result: 'success', statusCode: 200, errorCode: null },
    source: { ip: '127.0.0.1', userAgent: 'jest' },
    correlationId: `c${n}`,
    request: { method: 'GET', route: '/api/v3/secrets/raw/:secretName' },
  };
}

function chainOf(count: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let n = 1; n <= count; n++) out.push(chainRecord(fields(n), out[out.length - 1] ?? null));
  return out;
}

describe('canonical form', () => {
  it('sorts keys at every level, so key order never changes the hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"x":null,"y":1}]},"b":1}');
    const one = chainRecord(fields(1), null);
    const reordered = Object.fromEntries(Object.entries(one).reverse()) as unknown as AuditRecord;
    expect(hashRecord(reordered)).toBe(one.hash);
  });
});

describe('hash chain', () => {
  it('links each record to the hash of the one before it, from the genesis hash', () => {
    const [a, b] = chainOf(2);
    expect(a.sequence).toBe(1);
    expect(a.previousHash).toBe(GENESIS_HASH);
    expect(b.sequence).toBe(2);
    expect(b.previousHash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies an intact chain and its head', () => {
    const records = chainOf(3);
    expect(verifyChain('p1', records, { sequence: 3, hash: records[2].hash })).toEqual({ ok: true, chain: 'p1', records: 3, headHash: records[2].hash });
  });

  it('reports the first record whose content was changed', () => {
    const records = chainOf(4);
    records[1] = { ...records[1], outcome: { ...records[1].outcome, statusCode: 403 } };
    records[2] = { ...records[2], action: 'secret.write' };
    const result = verifyChain('p1', records);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.broken).toMatchObject({ recordId: records[1].id, sequence: 2, reason: 'content-changed', actual: records[1].hash });
  });

  it('reports a record rewritten with a fresh hash at the link that no longer matches', () => {
    const records = chainOf(3);
    const forged = { ...records[1], action: 'secret.write' };
    records[1] = { ...forged, hash: hashRecord(forged) };
    const result = verifyChain('p1', records);
    expect(!result.ok && result.broken).toMatchObject({ recordId: records[2].id, reason: 'previous-hash-mismatch' });
  });

  it('reports a removed record as a gap and a removed last record against the head', () => {
    const records = chainOf(3);
    const gap = verifyChain('p1', [records[0], records[2]]);
    expect(!gap.ok && gap.broken).toMatchObject({ recordId: records[2].id, reason: 'sequence-gap', expected: '2', actual: '3' });
    const tail = verifyChain('p1', records.slice(0, 2), { sequence: 3, hash: records[2].hash });
    expect(!tail.ok && tail.broken).toMatchObject({ recordId: null, reason: 'missing-tail' });
  });
});

describe('result of a status', () => {
  it('calls 401, 403 and a cross-project 404 denied', () => {
    expect([200, 401, 403, 404, 409, 503].map((s) => resultOf(s))).toEqual(['success', 'denied', 'denied', 'failed', 'failed', 'error']);
    expect(resultOf(404, true)).toBe('denied');
  });
});

describe('storableText', () => {
  it('replaces U+0000, which Postgres text refuses, in every string of a record, nested ones too', () => {
    const fields = { action: 'identity.set-roles', target: { type: 'identity', id: 'a\u0000b' }, userAgent: '\u0000', count: 3, at: null };
    expect(storableText(fields)).toEqual({ action: 'identity.set-roles', target: { type: 'identity', id: 'a\uFFFDb' }, userAgent: '\uFFFD', count: 3, at: null });
  });
});
