/**
 * A sleep that a signal can cut short, for loops that poll on a timer but are woken by a
 * NOTIFY (the outbox relay, the scheduler's due loop).
 *
 * - `wake()` ends a wakeable sleep at once, or, if none is in progress, makes the next
 *   wakeable sleep return at once: a wake-up that arrives while the loop works is not lost.
 * - `interrupt()` ends any sleep in progress (used when stopping).
 * - `clearWake()` forgets a wake-up; call it right before doing the work it asked for.
 */
export class WakeableSleep {
  private wakeRequested = false;
  private pending?: { wakeable: boolean; done: () => void };

  sleep(ms: number, { wakeable }: { wakeable: boolean }): Promise<void> {
    if (wakeable && this.wakeRequested) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(), ms);
      this.pending = {
        wakeable,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  wake(): void {
    this.wakeRequested = true;
    if (this.pending?.wakeable) this.finish();
  }

  interrupt(): void {
    this.finish();
  }

  clearWake(): void {
    this.wakeRequested = false;
  }

  private finish(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (pending.wakeable) this.wakeRequested = false;
    pending.done();
  }
}

/** A plain pause (nothing cuts it short): for polling loops that wait a fixed step. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
