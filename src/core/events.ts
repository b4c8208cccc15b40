/**
 * Authorization status events. Events carry ids and a status only, never a token: a subscriber
 * re-reads what it needs. The bus is an interface so that the in-process implementation
 * (infra/events-memory.ts, the embedded database's single process) and PostgreSQL LISTEN/NOTIFY
 * (infra/events-postgres.ts, several instances) are one file each.
 */
export type AuthorizationStatusValue =
  | 'NOT_AUTHORIZED'
  | 'AUTHORIZED'
  | 'REAUTHORIZATION_REQUIRED'
  | 'REVOKED'
  | 'DECLINED';

export interface AuthorizationStatusEvent {
  accountId: string;
  dataSourceId: string;
  userId: string;
  status: AuthorizationStatusValue;
  at: Date;
}

export interface EventFilter {
  accountId: string;
  dataSourceId: string;
  /** Only this viewer's events; absent = every viewer of the data source (admin dashboards). */
  userId?: string;
}

export interface EventBus {
  publish(event: AuthorizationStatusEvent): Promise<void>;
  /** Events matching the filter until the iterator is returned (the subscriber disconnects). */
  subscribe(filter: EventFilter): AsyncIterableIterator<AuthorizationStatusEvent>;
  /** Sees every event, from any instance (used to drop cached rows another instance changed). */
  tap(listener: (event: AuthorizationStatusEvent) => void): void;
  close(): Promise<void>;
}

export const matches = (filter: EventFilter, event: AuthorizationStatusEvent): boolean =>
  event.accountId === filter.accountId &&
  event.dataSourceId === filter.dataSourceId &&
  (filter.userId === undefined || event.userId === filter.userId);
