/**
 * Callbacks due at whole-second deadlines, with one timer per distinct second instead of one per
 * caller. Every open subscription ends when its session token expires; with a timer each, and each
 * delay a different number of milliseconds, Node keeps a timer list per subscription (~1.4 KB of
 * heap each, measured). Session expiries are whole seconds, so subscriptions opened around the same
 * time share one timer here. A deadline already past runs on the next turn of the event loop.
 */
export class DeadlineTimers {
  private readonly bySecond = new Map<number, { timer: NodeJS.Timeout; callbacks: Set<() => void> }>();

  /** Runs `callback` at `atSeconds` (seconds since the epoch); the returned function cancels it. */
  schedule(atSeconds: number, callback: () => void): () => void {
    let due = this.bySecond.get(atSeconds);
    if (!due) {
      const callbacks = new Set<() => void>();
      const timer = setTimeout(() => {
        this.bySecond.delete(atSeconds);
        for (const run of callbacks) run();
      }, Math.max(0, atSeconds * 1000 - Date.now()));
      due = { timer, callbacks };
      this.bySecond.set(atSeconds, due);
    }
    const { timer, callbacks } = due;
    callbacks.add(callback);
    return () => {
      callbacks.delete(callback);
      if (callbacks.size === 0 && this.bySecond.get(atSeconds)?.timer === timer) {
        clearTimeout(timer);
        this.bySecond.delete(atSeconds);
      }
    };
  }
}
