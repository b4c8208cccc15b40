import pg from 'pg';
import type { AuthorizationStatusEvent, EventBus, EventFilter } from '../core/events.js';
import type { Logger } from './logger.js';
import { MemoryEventBus } from './events-memory.js';

/**
 * Status events across instances on one PostgreSQL: publish is a NOTIFY (ids and a status only,
 * never a token; well under the 8 kB payload limit), and one LISTEN connection per instance feeds
 * the local in-memory bus its subscribers hang off. If the LISTEN connection drops it reconnects;
 * subscribers are unaffected because each subscription starts from the current status anyway.
 */
const CHANNEL = 'oauth_integrations_status';

export class PostgresEventBus implements EventBus {
  private readonly local = new MemoryEventBus();
  private listener: pg.Client | undefined;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  static async start(pool: pg.Pool, connectionString: string, logger: Logger): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(pool, connectionString, logger);
    await bus.listen();
    return bus;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const event = JSON.parse(message.payload) as AuthorizationStatusEvent;
      void this.local.publish({ ...event, at: new Date(event.at) });
    });
    client.on('error', (error) => {
      this.logger.warn({ error: error.name }, 'event listener connection lost; reconnecting');
      void client.end().catch(() => {});
      this.reconnectLater();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  /** Keeps trying (every second) until the LISTEN connection is back or the bus is closed. */
  private reconnectLater(): void {
    if (this.closed) return;
    setTimeout(() => void this.listen().catch(() => this.reconnectLater()), 1_000).unref();
  }

  async publish(event: AuthorizationStatusEvent): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(event)]);
  }

  subscribe(filter: EventFilter): AsyncIterableIterator<AuthorizationStatusEvent> {
    return this.local.subscribe(filter);
  }

  tap(listener: (event: AuthorizationStatusEvent) => void): void {
    this.local.tap(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.local.close();
    await this.listener?.end().catch(() => {});
  }
}
