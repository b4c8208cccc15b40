import { matches, type AuthorizationStatusEvent, type EventBus, type EventFilter } from '../core/events.js';

/**
 * In-process event bus for a single server (the embedded database's only mode). Subscribers are
 * indexed by data source so that a publish touches only the listeners that can match, which keeps
 * fan-out cheap with thousands of open subscriptions.
 */
type Listener = { filter: EventFilter; push: (event: AuthorizationStatusEvent) => void };

export class MemoryEventBus implements EventBus {
  private readonly byDataSource = new Map<string, Set<Listener>>();
  private readonly taps: Array<(event: AuthorizationStatusEvent) => void> = [];

  tap(listener: (event: AuthorizationStatusEvent) => void): void {
    this.taps.push(listener);
  }

  async publish(event: AuthorizationStatusEvent): Promise<void> {
    for (const tap of this.taps) tap(event);
    for (const listener of this.byDataSource.get(event.dataSourceId) ?? []) {
      if (matches(listener.filter, event)) listener.push(event);
    }
  }

  subscribe(filter: EventFilter): AsyncIterableIterator<AuthorizationStatusEvent> {
    const queue: AuthorizationStatusEvent[] = [];
    let wake: ((result: IteratorResult<AuthorizationStatusEvent>) => void) | undefined;
    let done = false;
    const listener: Listener = {
      filter,
      push: (event) => {
        if (wake) {
          const resolve = wake;
          wake = undefined;
          resolve({ value: event, done: false });
        } else queue.push(event);
      },
    };
    const set = this.byDataSource.get(filter.dataSourceId) ?? new Set<Listener>();
    set.add(listener);
    this.byDataSource.set(filter.dataSourceId, set);
    const finish = (): Promise<IteratorResult<AuthorizationStatusEvent>> => {
      done = true;
      set.delete(listener);
      if (set.size === 0) this.byDataSource.delete(filter.dataSourceId);
      wake?.({ value: undefined, done: true });
      wake = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (wake = resolve));
      },
      return: finish,
      throw: async (error) => {
        await finish();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  async close(): Promise<void> {
    this.byDataSource.clear();
    this.taps.length = 0;
  }
}
