import { WakeableSleep } from './wakeable-sleep';

describe('WakeableSleep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  async function settled(p: Promise<void>): Promise<boolean> {
    let done = false;
    void p.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  }

  it('sleeps for the time given when nothing wakes it', async () => {
    const s = new WakeableSleep();
    const p = s.sleep(1000, { wakeable: true });
    jest.advanceTimersByTime(999);
    expect(await settled(p)).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await settled(p)).toBe(true);
  });

  it('ends a wakeable sleep at once on wake()', async () => {
    const s = new WakeableSleep();
    const p = s.sleep(60_000, { wakeable: true });
    s.wake();
    expect(await settled(p)).toBe(true);
  });

  it('does not end a non-wakeable sleep on wake(), but keeps the wake-up for the next sleep', async () => {
    const s = new WakeableSleep();
    const p = s.sleep(1000, { wakeable: false });
    s.wake();
    expect(await settled(p)).toBe(false);
    jest.advanceTimersByTime(1000);
    expect(await settled(p)).toBe(true);
    expect(await settled(s.sleep(60_000, { wakeable: true }))).toBe(true);
  });

  it('forgets a wake-up on clearWake()', async () => {
    const s = new WakeableSleep();
    s.wake();
    s.clearWake();
    expect(await settled(s.sleep(1000, { wakeable: true }))).toBe(false);
  });

  it('ends any sleep on interrupt()', async () => {
    const s = new WakeableSleep();
    const p = s.sleep(60_000, { wakeable: false });
    s.interrupt();
    expect(await settled(p)).toBe(true);
  });
});
