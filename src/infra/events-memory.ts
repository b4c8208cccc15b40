import { matches, type AuthorizationStatusEvent, type EventBus, type EventFilter } from '../core/events.js';

/**
 * In-process event bus for a single server (the embedded database's only mode). Subscribers are
 * indexed by data source so that a publish touches only the listeners that can match, which keeps
 * fan-out cheap with thousands of open subscriptions.
 */
export class MemoryEventBus implements EventBus {
  private readonly byDataSource = new Map<string, Set<Subscription>>();
  private readonly taps: Array<(event: AuthorizationStatusEvent) => void> = [];
  private readonly unsubscribe = (subscription: Subscription) => {
    const set = this.byDataSource.get(subscription.filter.dataSourceId);
    set?.delete(subscription);
    if (set?.size === 0) this.byDataSource.delete(subscription.filter.dataSourceId);
  };

  tap(listener: (event: AuthorizationStatusEvent) => void): void {
    this.taps.push(listener);
  }

  async publish(event: AuthorizationStatusEvent): Promise<void> {
    for (const tap of this.taps) tap(event);
    for (const subscription of this.byDataSource.get(event.dataSourceId) ?? []) {
      if (matches(subscription.filter, event)) subscription.push(event);
    }
  }

  subscribe(filter: EventFilter): AsyncIterableIterator<AuthorizationStatusEvent> {
    const subscription = new Subscription(filter, this.unsubscribe);
    const set = this.byDataSource.get(filter.dataSourceId) ?? new Set<Subscription>();
    set.add(subscription);
    this.byDataSource.set(filter.dataSourceId, set);
    return subscription;
  }

  async close(): Promise<void> {
    this.byDataSource.clear();
    this.taps.length = 0;
  }
}

/**
 * One subscriber's events: queued while nobody waits for them, handed straight to a pending next()
 * otherwise. A class rather than an object of closures because thousands stay open for hours: its
 * methods live once on the prototype, and the queue exists only once an event had to wait.
 */
class Subscription implements AsyncIterableIterator<AuthorizationStatusEvent> {
  private queue: AuthorizationStatusEvent[] | undefined;
  private wake: ((result: IteratorResult<AuthorizationStatusEvent>) => void) | undefined;
  private done = false;

  constructor(
    readonly filter: EventFilter,
    private readonly onEnd: (subscription: Subscription) => void,
  ) {}

  push(event: AuthorizationStatusEvent): void {
    const wake = this.wake;
    if (wake) {
      this.wake = undefined;
      wake({ value: event, done: false });
    } else {
      (this.queue ??= []).push(event);
    }
  }

  next(): Promise<IteratorResult<AuthorizationStatusEvent>> {
    const queued = this.queue?.shift();
    if (queued) return Promise.resolve({ value: queued, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.wake = resolve));
  }

  return(): Promise<IteratorResult<AuthorizationStatusEvent>> {
    this.done = true;
    this.onEnd(this);
    this.wake?.({ value: undefined, done: true });
    this.wake = undefined;
    return Promise.resolve({ value: undefined, done: true });
  }

  async throw(error: unknown): Promise<IteratorResult<AuthorizationStatusEvent>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
