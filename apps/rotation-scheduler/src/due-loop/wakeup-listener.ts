import { LoggerLike } from '@rotor/messaging';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { SCHEDULE_CHANNEL, firesAtOf } from '../schedule/schedule.repository';

const RECONNECT_MS = 1000;

/**
 * LISTENs for committed schedule changes (from any scheduler instance) on a connection of
 * its own, and calls `onWake`. Losing the connection only costs latency: the due loop never
 * sleeps longer than its maximum anyway, so this reconnects quietly in the background.
 */
export class WakeupListener {
  private client?: Client;
  private stopped = true;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    private readonly ds: DataSource,
    /** `firesAt`: the earliest fire time the change brings (ms since the epoch), when it says. */
    private readonly onWake: (firesAt?: number) => void,
    private readonly logger: LoggerLike,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ ...connectionConfig(this.ds), application_name: 'rotor-scheduler-wakeup' });
    client.on('notification', (message) => this.onWake(firesAtOf(message.payload)));
    client.on('error', (e) => {
      this.logger.warn('schedule change listener lost its connection; reconnecting', { error: e.message });
      void client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      this.scheduleReconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SCHEDULE_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      // Changes committed while we were not listening: look once.
      this.onWake();
    } catch (e) {
      await client.end().catch(() => undefined);
      if (this.client === undefined && !this.stopped) {
        this.logger.warn('schedule change listener could not connect; retrying', { error: (e as Error).message });
        this.scheduleReconnect();
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_MS);
  }
}

function connectionConfig(ds: DataSource) {
  const o = ds.options as PostgresConnectionOptions;
  return o.url ? { connectionString: o.url } : { host: o.host, port: o.port, user: o.username, password: o.password, database: o.database };
}
