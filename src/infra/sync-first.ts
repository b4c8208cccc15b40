/**
 * Sync-first steps: code written once, as a generator, that runs synchronously for as long as every
 * value it waits for is already there, and becomes asynchronous at the first one that is not.
 *
 * Why: the credential exchange is answered from in-memory caches almost every time (posit-sdk asks
 * on every Databricks request), and there a promise and a microtask per `async` layer were a cost
 * of their own: with the exchange written this way, `npm run bench`'s REST hot path answered ~6%
 * more requests and the GraphQL one ~7% more (README, Performance). A second, synchronous copy of
 * the exchange for the cached case would mean two copies of its security decisions; here there is
 * one, and `yield* wait(x)` stands where `await x` stood.
 *
 *   function* steps(): Steps<Session> {
 *     const session = yield* wait(sessions.verify(token)); // a value when cached, else a promise
 *     ...
 *   }
 *   const answer = runSyncFirst(steps()); // Session, or Promise<Session> once something was awaited
 *
 * A step that throws before anything was awaited throws to the caller of runSyncFirst; after that,
 * the promise rejects. `catching` gives callers one place for both.
 */
export type MaybePromise<T> = T | Promise<T>;

/** A generator of steps that completes with T (see the module comment). */
export type Steps<T> = Generator<PromiseLike<unknown>, T, unknown>;

export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  // Thenables too: Prisma's queries are PrismaPromises, not native promises.
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** `await value` inside steps: a value passes straight through; only a promise suspends them. */
export function* wait<T>(value: T | PromiseLike<T>): Generator<PromiseLike<unknown>, T, unknown> {
  return isPromiseLike(value) ? ((yield value) as T) : value;
}

/** Runs steps synchronously up to the first pending promise; continues asynchronously from there. */
export function runSyncFirst<T>(steps: Steps<T>): MaybePromise<T> {
  const first = steps.next();
  return first.done ? first.value : continueAsync(steps, first.value);
}

async function continueAsync<T>(steps: Steps<T>, pending: PromiseLike<unknown>): Promise<T> {
  for (;;) {
    let step: IteratorResult<PromiseLike<unknown>, T>;
    let settled: { value: unknown } | { error: unknown };
    try {
      settled = { value: await pending };
    } catch (error) {
      settled = { error };
    }
    // A rejection is thrown into the steps, where `yield* wait(...)` stood, so their try/catch sees it.
    step = 'error' in settled ? steps.throw(settled.error) : steps.next(settled.value);
    if (step.done) return step.value;
    pending = step.value;
  }
}

/** `value` handed to `next` now when it is there, else once it is. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromiseLike(value) ? value.then(next) : next(value);
}

/**
 * `attempt()` with `onError` for a synchronous throw and for a rejection alike: the caller handles
 * failures once, whichever way they arrive.
 */
export function catching<T>(attempt: () => MaybePromise<T>, onError: (error: unknown) => MaybePromise<T>): MaybePromise<T> {
  let result: MaybePromise<T>;
  try {
    result = attempt();
  } catch (error) {
    return onError(error);
  }
  return isPromiseLike(result) ? result.catch(onError) : result;
}
