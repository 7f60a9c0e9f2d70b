import { outboxBacklog, trackOutboxBacklog } from './metrics';

describe('rotor_outbox_backlog', () => {
  it('sums the backlog of every tracked relay at scrape time, and forgets an untracked one', async () => {
    const untrackA = trackOutboxBacklog(async () => 3);
    const untrackB = trackOutboxBacklog(async () => 4);
    expect((await outboxBacklog.get()).values[0].value).toBe(7);
    untrackA();
    expect((await outboxBacklog.get()).values[0].value).toBe(4);
    untrackB();
    expect((await outboxBacklog.get()).values[0].value).toBe(0);
  });

  it('counts a relay whose database does not answer as zero instead of failing the scrape', async () => {
    const untrack = trackOutboxBacklog(async () => {
      throw new Error('connection refused');
    });
    expect((await outboxBacklog.get()).values[0].value).toBe(0);
    untrack();
  });
});
