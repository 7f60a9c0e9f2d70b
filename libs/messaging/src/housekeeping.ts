import { PRUNE_BATCH } from '@rotor/event-store';
import { envInt } from '@rotor/util';
import { LoggerLike } from './logger';

/** Longest run of delete statements one housekeeping pass makes before yielding until the next. */
const MAX_BATCHES_PER_PASS = 20;

/**
 * Runs `pruneBatch(PRUNE_BATCH)` every `intervalMs` (first run one interval after the call),
 * each pass repeating it while it deletes a full batch, up to a bound. Errors are logged and the next
 * pass tries again: housekeeping never stops the work it cleans up after. Returns a stop
 * function that waits for a pass in progress.
 */
export function schedulePrune(
  what: string,
  intervalMs: number,
  pruneBatch: (limit: number) => Promise<number>,
  logger: LoggerLike,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const pass = async () => {
    try {
      let total = 0;
      for (let i = 0; i < MAX_BATCHES_PER_PASS; i++) {
        const n = await pruneBatch(PRUNE_BATCH);
        total += n;
        if (n < PRUNE_BATCH) break;
      }
      if (total > 0) logger.log(`pruned ${total} ${what}`);
    } catch (e) {
      logger.warn(`could not prune ${what}; trying again later`, { error: (e as Error).message });
    }
  };
  const timer = setInterval(() => {
    running = running.then(pass);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** `name` in whole hours from the environment (or `defaultHours`), in ms; negative refused. */
export function retentionFromEnv(name: string, defaultHours: number): number {
  const hours = envInt(name, defaultHours);
  if (hours < 0) throw new Error(`configuration ${name} must be 0 or more hours, got ${hours}`);
  return hours * 3_600_000;
}
