import { pollUntil, RotorWaitError } from '../src/wait';

describe('pollUntil', () => {
  it('answers the first defined answer', async () => {
    let calls = 0;
    await expect(pollUntil('three calls', async () => (++calls === 3 ? 'done' : undefined), { intervalMs: 5 })).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after the timeout, naming what it waited for', async () => {
    const waiting = pollUntil('nothing', async () => undefined, { timeoutMs: 50, intervalMs: 10 });
    await expect(waiting).rejects.toThrow(new RotorWaitError('timeout', 'gave up waiting for nothing after 50 ms'));
  });

  it('stops at once when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = pollUntil('nothing', async () => undefined, { intervalMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(waiting).rejects.toMatchObject({ reason: 'aborted' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
