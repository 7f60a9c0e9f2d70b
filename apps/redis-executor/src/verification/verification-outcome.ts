import type { VerificationFailure } from '@rotor/contracts';
import type { CredentialCheckResult } from '../providers';

/** How often and how fast the executor checks served credentials (README: Continuous verification). */
export interface VerificationSettings {
  /** The longest a served credential goes unchecked (ROTOR_VERIFY_INTERVAL_SECONDS). */
  intervalMs: number;
  /** Checks per second at most, per executor instance (ROTOR_VERIFY_MAX_PER_SECOND). */
  maxPerSecond: number;
  /** First re-check after a drifted or unverifiable result; doubles per result (ROTOR_VERIFY_RETRY_SECONDS). */
  retryBaseMs: number;
  /** Rotations checked at once (ROTOR_VERIFY_CONCURRENCY). */
  concurrency: number;
}

export type VerificationStatus = 'healthy' | 'drifted' | 'unverifiable';

export interface VerificationSummary {
  status: VerificationStatus;
  failures: VerificationFailure[];
  /** The nodes asked ('host:port'); empty when the deployment could not be asked at all. */
  nodes: string[];
  message: string;
}

/**
 * The next regular check: within one interval, drawn from its last fifth, so checks of
 * rotations created together spread out instead of arriving at a Redis at once.
 */
export function nextRegularCheck(now: Date, s: VerificationSettings, random: number): Date {
  return new Date(now.getTime() + Math.round(s.intervalMs * (0.8 + 0.2 * random)));
}

/**
 * After a check: healthy → the regular interval; drifted or unverifiable → sooner, with capped
 * exponential backoff and jitter (retryBase × 2^(n-1), at most the interval), so a heal is
 * confirmed — or a failed heal asked for again — quickly but never in a tight loop.
 */
export function nextCheckAfter(status: VerificationStatus, failedChecks: number, now: Date, s: VerificationSettings, random: number): Date {
  if (status === 'healthy') return nextRegularCheck(now, s, random);
  const backoff = Math.min(s.intervalMs, s.retryBaseMs * 2 ** Math.max(0, Math.min(failedChecks - 1, 20)));
  return new Date(now.getTime() + Math.round(backoff * (0.5 + 0.5 * random)));
}

/**
 * One sentence and a status from every node's answer. A rejection anywhere is drift, even if
 * another node could not be asked; only when nothing was rejected does an unreachable node
 * make the result "unverifiable" (not proof of drift: nothing is healed on it).
 */
export function summarize(nodes: string[], checks: CredentialCheckResult[]): VerificationSummary {
  const rejected = checks.filter((c) => c.ok === false);
  if (rejected.length > 0) {
    return {
      status: 'drifted',
      failures: rejected.map((c) => ({ slot: c.label, username: c.username, node: c.node, answer: c.answer })),
      nodes,
      message: `Served credential drifted: ${rejected.map((c) => `${c.label} user ${c.username} rejected on ${c.node} (${c.answer})`).join('; ')}.`,
    };
  }
  const unasked = checks.filter((c) => c.ok === null);
  if (unasked.length > 0) {
    return {
      status: 'unverifiable',
      failures: [],
      nodes,
      message: `Could not verify on ${[...new Set(unasked.map((c) => c.node))].join(', ')}: ${unasked[0].answer}`,
    };
  }
  const labels = [...new Set(checks.map((c) => c.label))].join(' and ');
  return { status: 'healthy', failures: [], nodes, message: `The ${labels} credential authenticate${labels.includes(' and ') ? '' : 's'} on ${nodes.length} node(s).` };
}
