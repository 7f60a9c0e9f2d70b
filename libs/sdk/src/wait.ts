/** Why a wait ended without its answer. */
export class RotorWaitError extends Error {
  override readonly name = 'RotorWaitError';
  constructor(readonly reason: 'timeout' | 'aborted', message: string) {
    super(message);
  }
}

export interface WaitOptions {
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
  /** How often to ask (default 500 ms). */
  intervalMs?: number;
  /** Stop waiting when this aborts (the request already made is not undone). */
  signal?: AbortSignal;
}

/** Calls `check` until it answers something other than undefined, within the bounds of `options`. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const interval = options.intervalMs ?? 500;
  for (;;) {
    throwIfAborted(what, options.signal);
    const answer = await check();
    if (answer !== undefined) return answer;
    if (Date.now() + interval > deadline) throw new RotorWaitError('timeout', `gave up waiting for ${what} after ${options.timeoutMs ?? 120_000} ms`);
    await delay(interval, options.signal, what);
  }
}

function throwIfAborted(what: string, signal?: AbortSignal): void {
  if (signal?.aborted) throw new RotorWaitError('aborted', `stopped waiting for ${what}: aborted`);
}

function delay(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RotorWaitError('aborted', `stopped waiting for ${what}: aborted`));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
